# British/European English. Names not set here fall back to Django's own "en" module.
# https://docs.djangoproject.com/en/5.2/ref/templates/builtins/#date

DATE_FORMAT = "j F Y"  # '23 November 2026'
TIME_FORMAT = "H:i"  # '14:30'
DATETIME_FORMAT = "j F Y, H:i"  # '23 November 2026, 14:30'
YEAR_MONTH_FORMAT = "F Y"  # 'November 2026'
MONTH_DAY_FORMAT = "j F"  # '23 November'
# Tables and CSV exports: fixed width, so a column of dates lines up and fits a phone's stacked row;
# day first as everywhere in Europe (Latvian is j.m.Y). Prose uses DATE_FORMAT, which spells the month.
SHORT_DATE_FORMAT = "d/m/Y"  # '23/11/2026'
SHORT_DATETIME_FORMAT = "d/m/Y H:i"  # '23/11/2026 14:30'
FIRST_DAY_OF_WEEK = 1  # Monday

# ISO first: <input type="date"> submits it, and a DateInput without its own format renders the first entry.
# No American m/d/Y: "03/04/2026" must mean 3 April.
DATE_INPUT_FORMATS = [
    "%Y-%m-%d",  # '2026-11-23'
    "%d/%m/%Y",  # '23/11/2026'
    "%d.%m.%Y",  # '23.11.2026'
]
TIME_INPUT_FORMATS = [
    "%H:%M:%S",  # '14:30:59'
    "%H:%M:%S.%f",  # '14:30:59.000200'
    "%H:%M",  # '14:30'
]
DATETIME_INPUT_FORMATS = [
    "%Y-%m-%d %H:%M:%S",  # '2026-11-23 14:30:59'
    "%Y-%m-%d %H:%M:%S.%f",  # '2026-11-23 14:30:59.000200'
    "%Y-%m-%d %H:%M",  # '2026-11-23 14:30'
    "%d/%m/%Y %H:%M:%S",  # '23/11/2026 14:30:59'
    "%d/%m/%Y %H:%M",  # '23/11/2026 14:30'
    "%d.%m.%Y %H:%M:%S",  # '23.11.2026 14:30:59'
    "%d.%m.%Y %H:%M",  # '23.11.2026 14:30'
]
