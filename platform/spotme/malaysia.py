"""Malaysian reference data used across the platform."""

from django.db import models


class State(models.TextChoices):
    """The 16 states and federal territories, coded as the `holidays` package's subdivisions."""

    JOHOR = "01", "Johor"
    KEDAH = "02", "Kedah"
    KELANTAN = "03", "Kelantan"
    MELAKA = "04", "Melaka"
    NEGERI_SEMBILAN = "05", "Negeri Sembilan"
    PAHANG = "06", "Pahang"
    PULAU_PINANG = "07", "Pulau Pinang"
    PERAK = "08", "Perak"
    PERLIS = "09", "Perlis"
    SELANGOR = "10", "Selangor"
    TERENGGANU = "11", "Terengganu"
    SABAH = "12", "Sabah"
    SARAWAK = "13", "Sarawak"
    KUALA_LUMPUR = "14", "W.P. Kuala Lumpur"
    LABUAN = "15", "W.P. Labuan"
    PUTRAJAYA = "16", "W.P. Putrajaya"


DEFAULT_TIMEZONE = "Asia/Kuala_Lumpur"
