"""Django REST framework's own messages that its Danish catalogue lacks.

Brobyg's catalogue (LOCALE_PATHS) comes before every installed app's, so a message translated in
locale/da/LC_MESSAGES/django.po is Danish wherever it is used, DRF's serializer fields included.
These lines only make `makemessages` keep the messages in Brobyg's catalogue; nothing imports
them. Checked against the installed DRF: tests/core/test_danish_messages.py lists what is still
missing.
"""

from django.utils.translation import gettext_noop, ngettext_lazy

DRF_MESSAGES = [
    gettext_noop("Must be a valid boolean."),
    gettext_noop("Must be a valid UUID."),
    gettext_noop("A valid biginteger is required."),
    gettext_noop("Not a valid string."),
    gettext_noop("Invalid input."),
    gettext_noop("Datetime value out of range."),
    gettext_noop('Invalid datetime for the timezone "{timezone}".'),
    gettext_noop("This dictionary may not be empty."),
    gettext_noop("Ensure this field has at least {min_length} elements."),
    gettext_noop("Ensure this field has no more than {max_length} elements."),
    gettext_noop("Surrogate characters are not allowed: U+{code_point:X}."),
    gettext_noop("Integer value too large to convert to float"),
    gettext_noop(
        'Enter a valid "slug" consisting of Unicode letters, numbers, underscores, or hyphens.'
    ),
    gettext_noop("The number of days must be between {min_days} and {max_days}."),
]

DRF_PLURAL_MESSAGES = [
    ngettext_lazy(
        "Expected available in {wait} second.", "Expected available in {wait} seconds.", 1
    ),
]
