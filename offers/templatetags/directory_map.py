"""The directory map's points as a JSON data block, without the spaces json_script puts after
every comma and colon: the map of a search carries up to 500 points on every page of it.

    {% load directory_map %}
    {{ map_points|compact_json_script:"directory-points" }}
"""

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import json_script

register = template.Library()


class _CompactEncoder(DjangoJSONEncoder):
    def __init__(self, *args, **kwargs):
        kwargs["separators"] = (",", ":")
        super().__init__(*args, **kwargs)


@register.filter
def compact_json_script(value, element_id: str):
    """json_script (escaped for a <script> element), written compactly."""
    return json_script(value, element_id, encoder=_CompactEncoder)
