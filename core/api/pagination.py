from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination


class StandardPagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 200
    page_size_query_description = "Rows per page (at most 200; more gives 200)."

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"]["minimum"] = 1
        return parameters

    def get_page_size(self, request):
        # DRF would quietly use the default for page_size=abc; a mistake is said instead. Left
        # empty (page_size=), as any query parameter, it is as if not given.
        value = request.query_params.get(self.page_size_query_param) or None
        if value is not None and not (value.isascii() and value.isdigit() and value.strip("0")):
            raise ValidationError(
                {self.page_size_query_param: [_("Give the number of rows per page, from 1.")]}
            )
        return super().get_page_size(request)
