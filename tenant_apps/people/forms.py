from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shared_apps.onboarding.forms import clean_phone
from spotme.accounts.mykad import normalise_mykad, validate_mykad
from tenant_apps.organisation.models import OrgUnit, Role

from .models import Officer


class DateInput(forms.DateInput):
    input_type = "date"


class OfficerForm(forms.Form):
    """Create or edit an officer (org admin)."""

    mykad = forms.CharField(
        label=_("MyKad number"), max_length=14, help_text=_("12 digits, with or without dashes.")
    )
    full_name = forms.CharField(label=_("Full name"), max_length=200)
    email = forms.EmailField(label=_("Official email"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    grade = forms.CharField(label=_("Grade"), max_length=20, required=False, help_text=_("Grade, e.g. F41"))
    position = forms.CharField(label=_("Position"), max_length=200, required=False)
    org_unit = forms.ModelChoiceField(
        label=_("Organisation unit"), queryset=OrgUnit.objects.none(), required=False
    )
    supervisor = forms.ModelChoiceField(
        label=_("Supervisor"), queryset=Officer.objects.none(), required=False
    )
    join_date = forms.DateField(label=_("Date joined"), required=False, widget=DateInput)
    leave_date = forms.DateField(label=_("Date left"), required=False, widget=DateInput)
    roles = forms.MultipleChoiceField(
        label=_("Roles"),
        choices=[(r.value, r.label) for r in Role if r != Role.OFFICER],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Every person is an officer; add the other roles they hold."),
    )

    def __init__(self, *args, officer: Officer | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.officer = officer
        self.fields["org_unit"].queryset = OrgUnit.objects.filter(is_active=True)
        supervisors = Officer.objects.select_related("user").filter(user__is_active=True)
        if officer is not None:
            supervisors = supervisors.exclude(pk=officer.pk)
            self.fields["mykad"].disabled = True  # the login ID never changes; disabled → initial is used
            self.fields["mykad"].initial = officer.mykad
        self.fields["supervisor"].queryset = supervisors

    def clean_mykad(self) -> str:
        number = normalise_mykad(self.cleaned_data["mykad"])
        validate_mykad(number)
        if self.officer is None and Officer.objects.filter(user__username=number).exists():
            raise forms.ValidationError(
                _("An officer with this MyKad number already exists."), code="duplicate"
            )
        return number

    def clean_phone(self) -> str:
        value = self.cleaned_data["phone"]
        return clean_phone(value) if value else ""

    def clean_join_date(self):
        value = self.cleaned_data["join_date"]
        if value and value > timezone.localdate():
            raise forms.ValidationError(
                _("The date joined cannot be in the future (%(date)s).") % {"date": f"{value:%d/%m/%Y}"},
                code="future",
            )
        return value

    def clean(self):
        data = super().clean()
        if data.get("join_date") and data.get("leave_date") and data["leave_date"] < data["join_date"]:
            self.add_error("leave_date", _("The date left cannot be before the date joined."))
        return data

    def profile_data(self) -> dict:
        d = self.cleaned_data
        return {
            k: d[k]
            for k in (
                "full_name",
                "email",
                "phone",
                "grade",
                "position",
                "org_unit",
                "supervisor",
                "join_date",
                "leave_date",
            )
        }


class OfficerFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    org_unit = forms.ModelChoiceField(
        label=_("Organisation unit"), queryset=OrgUnit.objects.none(), required=False
    )
    role = forms.ChoiceField(label=_("Role"), required=False)
    active = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All")), ("1", _("Active")), ("0", _("Inactive"))]
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org_unit"].queryset = OrgUnit.objects.all()
        self.fields["role"].choices = [("", _("All"))] + [(r.value, r.label) for r in Role]


class ProfileForm(forms.Form):
    """What an officer may change about themself (Mengemaskini profil)."""

    email = forms.EmailField(label=_("Official email"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    preferred_language = forms.ChoiceField(
        label=_("Language"), choices=[("ms", "Bahasa Melayu"), ("en", "English")]
    )

    def clean_phone(self) -> str:
        value = self.cleaned_data["phone"]
        return clean_phone(value) if value else ""


class OrgUnitForm(forms.ModelForm):
    class Meta:
        model = OrgUnit
        fields = ["name", "code", "parent", "head", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        parents = OrgUnit.objects.all()
        if self.instance.pk:
            parents = parents.exclude(path__startswith=self.instance.path)
        self.fields["parent"].queryset = parents
        self.fields["head"].queryset = Officer.objects.select_related("user").filter(user__is_active=True)


class OfficerImportForm(forms.Form):
    """Upload of a CSV/XLSX file of officers (tenant_apps/people/importing.py)."""

    file = forms.FileField(
        label=_("File"),
        help_text=_("CSV (UTF-8) or Excel (.xlsx), at most 10 MB and 20,000 officers."),
        allow_empty_file=True,  # the import explains an empty file itself, with its own error code
    )
    dry_run = forms.BooleanField(
        label=_("Dry run: only check the file, import nothing"), required=False, initial=True
    )
