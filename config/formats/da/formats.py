"""Dates as Danish staff type them, whatever their browser's language: the fields show
dd.mm.åååå (core.forms.DateInput) and accept the ways people write a date. ISO (2026-12-01) is
accepted too (Django adds it to every input format list)."""

DATE_INPUT_FORMATS = [
    "%d.%m.%Y",  # 01.12.2026
    "%d-%m-%Y",  # 01-12-2026
    "%d/%m/%Y",  # 01/12/2026
    "%d.%m.%y",  # 01.12.26
    "%d%m%Y",  # 01122026
]
DATETIME_INPUT_FORMATS = [
    "%d.%m.%Y %H:%M",  # 01.12.2026 14:30
    "%d.%m.%Y %H.%M",  # 01.12.2026 14.30
    "%d.%m.%Y kl. %H.%M",  # 01.12.2026 kl. 14.30
    "%d-%m-%Y %H:%M",
    "%d/%m/%Y %H:%M",
    "%d.%m.%Y %H:%M:%S",
]
