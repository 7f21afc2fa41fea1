"""In English too, dates are typed day first, as the Danish fields show them (config.formats.da):
never month first, which would read 01/12 as 12 January."""

from config.formats.da.formats import DATE_INPUT_FORMATS, DATETIME_INPUT_FORMATS

__all__ = ["DATETIME_INPUT_FORMATS", "DATE_INPUT_FORMATS"]
