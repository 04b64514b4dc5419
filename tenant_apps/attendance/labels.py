"""Display names of the day status codes (the words SPOT-Me users know, translated)."""

from django.utils.translation import gettext_lazy as _

from .rules import Code

CODE_LABELS = {
    Code.HADIR: _("Present"),
    Code.LEWAT: _("Late"),
    Code.PULANG_AWAL: _("Early out"),
    Code.TIDAK_LENGKAP: _("Incomplete"),
    Code.TIDAK_HADIR: _("Absent"),
    Code.LUAR_KAWASAN: _("Outside office area"),
    Code.BELUM_MASUK: _("Not yet in"),
    Code.BDR: _("Work from home"),
    Code.TUGAS_RASMI: _("Official duty"),
    Code.KURSUS: _("Course"),
    Code.CUTI: _("Leave"),
    Code.CUTI_UMUM: _("Public holiday"),
    Code.HARI_REHAT: _("Rest day"),
    Code.TIADA_LOKASI: _("No location"),
}
# Not a status of its own (the day is late): what a card, a rate or a report says about it.
AFTER_END_LABEL = _("Arrived after the end of the working day")


def label(code: str) -> str:
    return str(CODE_LABELS.get(code, code))
