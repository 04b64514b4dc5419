"""English pages write dates and times as the Malay ones do (DD/MM/YYYY, HH:MM): see ../ms/formats.py."""

from spotme.formats.ms.formats import *  # noqa: F403
