"""Bulk import of officers (tenant_apps/people/importing.py) through its page, as an org admin would.

Errors are asserted by their stable codes and row numbers (the page is in Malay by default)."""

from __future__ import annotations

import csv
import datetime
import io
import re
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import schema_context
from openpyxl import Workbook, load_workbook

from spotme.accounts.models import User
from tenant_apps.organisation.models import OrgUnit, Role
from tenant_apps.people import actions, importing
from tenant_apps.people.importing import Problem
from tenant_apps.people.models import ImportBatch, Officer
from tests.fixtures.agencies import ADMIN_A, ADMIN_B, PASSWORD

HEADER = [c.name for c in importing.COLUMNS]
IMPORT_URL = "/people/import/"

# Existing people of the agency (besides its org admin), and valid MyKad numbers for new rows.
SUPERVISOR = "750303105021"
RETIRED = "700404105022"
OFFICER = "880808105023"
EXECUTIVE = "830303105024"


def mykad(n: int) -> str:
    """A valid, unique MyKad number: a real birth date, place code 10, serial n."""
    born = datetime.date(1970, 1, 1) + datetime.timedelta(days=n % 9000)
    return f"{born:%y%m%d}10{n % 10000:04d}"


def row(mykad_number: str, name: str = "Pegawai", **cells) -> dict:
    return {"mykad": mykad_number, "full_name": name, **cells}


def csv_bytes(rows: list[dict], header=HEADER, delimiter=",", bom=False, encoding="utf-8") -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(header)
    for r in rows:
        writer.writerow([r.get(h, "") for h in header])
    text = out.getvalue()
    return (("\ufeff" + text) if bom else text).encode(encoding)


def xlsx_bytes(rows: list[list], header=HEADER) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for values in rows:
        sheet.append(values)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def upload(client, name: str, data: bytes, dry_run: bool = True):
    payload = {"file": SimpleUploadedFile(name, data)}
    if dry_run:
        payload["dry_run"] = "on"
    return client.post(IMPORT_URL, payload)


def found(response) -> set[tuple[int, str, str]]:
    """(row, column, code) of every row error the page reports, read from the page itself."""
    html = response.content.decode()
    cells = re.findall(r'<tr data-row="(\d+)" data-column="([a-z_]+)" data-code="([a-z_]+)"', html)
    return {(int(r), c, code) for r, c, code in cells}


def file_error(response) -> str:
    match = re.search(r'id="file-error" data-code="([a-z_]+)"', response.content.decode())
    return match[1] if match else ""


def counts(agency) -> tuple[int, int, int]:
    with schema_context(agency.schema_name):
        return User.objects.count(), Officer.objects.count(), User.groups.through.objects.count()


def activated(officer: Officer) -> Officer:
    user = officer.user
    user.set_password(PASSWORD)
    user.must_change_password = False
    user.save()
    return officer


@pytest.fixture
def org(agency_a):
    """Units (one pair sharing a name, one inactive) and existing officers of agency A."""
    with schema_context(agency_a.schema_name):
        btm = actions.save_org_unit(OrgUnit(name="Bahagian Teknologi Maklumat", code="BTM"))
        app = actions.save_org_unit(OrgUnit(name="Seksyen Aplikasi", code="BTM-APP", parent=btm))
        hr = actions.save_org_unit(OrgUnit(name="Bahagian Sumber Manusia", code="BSM"))
        actions.save_org_unit(OrgUnit(name="Unit Sokongan", parent=btm))
        actions.save_org_unit(OrgUnit(name="Unit Sokongan", parent=hr))
        actions.save_org_unit(OrgUnit(name="Unit Lama", code="LAMA", is_active=False))
        supervisor = actions.create_officer(
            mykad=SUPERVISOR,
            full_name="Penyelia Sedia Ada",
            roles=[Role.SUPERVISOR],
            org_unit=btm,
            notify=False,
        ).officer
        retired = actions.create_officer(mykad=RETIRED, full_name="Pesara", notify=False).officer
        actions.set_officer_active(retired, False)
    return {"btm": btm, "app": app, "hr": hr, "supervisor": supervisor}


@pytest.fixture
def admin_client(agency_a, client_for):
    client = client_for(agency_a)
    client.login_as(ADMIN_A, PASSWORD)
    return client


# --- row errors -----------------------------------------------------------------------------------


BAD_ROWS = [  # (row as the user sees it, cells, expected (column, code) on that row)
    (2, row(mykad(2), supervisor_mykad=mykad(3)), None),  # good: its supervisor comes later in the file
    (3, row(mykad(3), org_unit="BTM"), None),
    (4, row("900230105555"), ("mykad", Problem.MYKAD_INVALID)),  # 30 February
    (5, row("12345"), ("mykad", Problem.MYKAD_INVALID)),
    (6, row(""), ("mykad", Problem.MYKAD_REQUIRED)),
    (7, row(mykad(2), "Salinan"), ("mykad", Problem.MYKAD_DUPLICATE)),
    (8, row(ADMIN_A, "Sudah Ada"), ("mykad", Problem.MYKAD_EXISTS)),
    (9, row(mykad(9), ""), ("full_name", Problem.NAME_REQUIRED)),
    (10, row(mykad(10), email="bukan-emel"), ("email", Problem.EMAIL_INVALID)),
    (11, row(mykad(11), phone="12345"), ("phone", Problem.PHONE_INVALID)),
    (12, row(mykad(12), org_unit="TIADA"), ("org_unit", Problem.ORG_UNIT_UNKNOWN)),
    (13, row(mykad(13), org_unit="unit sokongan"), ("org_unit", Problem.ORG_UNIT_AMBIGUOUS)),
    (14, row(mykad(14), org_unit="LAMA"), ("org_unit", Problem.ORG_UNIT_INACTIVE)),
    (15, row(mykad(15), supervisor_mykad="991231105999"), ("supervisor_mykad", Problem.SUPERVISOR_UNKNOWN)),
    (16, row(mykad(16), supervisor_mykad=RETIRED), ("supervisor_mykad", Problem.SUPERVISOR_INACTIVE)),
    (17, row(mykad(17), supervisor_mykad=mykad(18)), ("supervisor_mykad", Problem.SUPERVISOR_CYCLE)),
    (18, row(mykad(18), supervisor_mykad=mykad(17)), ("supervisor_mykad", Problem.SUPERVISOR_CYCLE)),
    (19, row(mykad(19), supervisor_mykad=mykad(19)), ("supervisor_mykad", Problem.SUPERVISOR_CYCLE)),
    (20, row(mykad(20), roles="penyelia, ketua"), ("roles", Problem.ROLE_UNKNOWN)),
    (21, row(mykad(21), join_date="31/02/2024"), ("join_date", Problem.DATE_INVALID)),
    (22, row(mykad(22), join_date="semalam"), ("join_date", Problem.DATE_INVALID)),
    (23, row(mykad(23), grade="G" * 21), ("grade", Problem.TOO_LONG)),
    (24, row(mykad(24), "Pegawai Baik", email="baik@agensi.gov.my", supervisor_mykad=SUPERVISOR), None),
]


def test_each_bad_row_kind_is_reported_with_its_row_number(org, agency_a, admin_client):
    data = csv_bytes([cells for _row, cells, _expected in BAD_ROWS])
    response = upload(admin_client, "pegawai.csv", data, dry_run=True)
    assert response.status_code == 400
    expected = {(r, exp[0], exp[1].value) for r, _cells, exp in BAD_ROWS if exp}
    assert found(response) == expected
    report = response.context["report"]
    assert report.rows == len(BAD_ROWS) and report.error_count == len(expected)
    assert [e.row for e in report.errors] == sorted(e.row for e in report.errors)
    duplicate = next(e for e in report.errors if e.code == Problem.MYKAD_DUPLICATE)
    assert "2" in duplicate.message, "the duplicate names the row it repeats"


def test_a_file_with_any_bad_row_writes_nothing(org, agency_a, admin_client):
    rows = [row(mykad(100 + i), f"Pegawai {i}", org_unit="BTM-APP") for i in range(50)]
    rows.insert(30, row(mykad(200), org_unit="TIADA"))  # row 32
    before = counts(agency_a)
    with schema_context(agency_a.schema_name):
        batches = ImportBatch.objects.count()
    response = upload(admin_client, "pegawai.csv", csv_bytes(rows), dry_run=False)
    assert response.status_code == 400
    assert found(response) == {(32, "org_unit", Problem.ORG_UNIT_UNKNOWN.value)}
    assert counts(agency_a) == before
    with schema_context(agency_a.schema_name):
        assert ImportBatch.objects.count() == batches + 1
        batch = ImportBatch.objects.first()
        assert (batch.status, batch.dry_run, batch.created_count) == (ImportBatch.Status.REJECTED, False, 0)
        assert batch.errors == [{"row": 32, "column": "org_unit", "code": "org_unit_unknown"}]


def test_the_bad_row_file_as_a_real_run_writes_nothing_either(org, agency_a, admin_client):
    before = counts(agency_a)
    response = upload(admin_client, "pegawai.csv", csv_bytes([c for _r, c, _e in BAD_ROWS]), dry_run=False)
    assert response.status_code == 400 and found(response)
    assert counts(agency_a) == before


# --- good files -----------------------------------------------------------------------------------


def test_a_good_file_imports_with_supervisors_roles_units_and_dates(
    org, agency_a, admin_client, mailoutbox, django_capture_on_commit_callbacks
):
    rows = [
        row(
            mykad(1),
            "Ketua Baharu",
            email="ketua@agensi.gov.my",
            phone="012-345 6789",
            grade="F48",
            position="Ketua Seksyen",
            org_unit="btm-app",
            supervisor_mykad=SUPERVISOR,
            roles="penyelia; eksekutif",
            join_date="2024-01-15",
        ),
        # supervised by row 4, which comes later in the file
        row(
            mykad(2),
            "Pegawai Dua",
            email="dua@agensi.gov.my",
            org_unit="Seksyen Aplikasi",
            supervisor_mykad=mykad(3),
            join_date="02/03/2023",
        ),
        row(
            mykad(3),
            "Penyelia Tiga",
            org_unit="BTM",
            supervisor_mykad=mykad(1),
            roles="supervisor, org_admin",
        ),
        row(mykad(4), "Pegawai Empat", roles="officer"),
    ]
    before = counts(agency_a)
    dry = upload(admin_client, "pegawai.csv", csv_bytes(rows), dry_run=True)
    assert dry.status_code == 200 and 'id="dry-run-ok"' in dry.content.decode()
    assert dry.context["report"].ok and dry.context["report"].rows == 4
    assert counts(agency_a) == before, "a dry run writes no officer"

    with django_capture_on_commit_callbacks(execute=True):
        response = upload(admin_client, "pegawai.csv", csv_bytes(rows), dry_run=False)
    assert response.status_code == 302
    with schema_context(agency_a.schema_name):
        batch = ImportBatch.objects.first()
        assert response["Location"] == f"/people/import/{batch.pk}/"
        assert (batch.status, batch.dry_run, batch.rows, batch.created_count) == ("imported", False, 4, 4)
        assert batch.created_by.username == ADMIN_A and batch.file_name == "pegawai.csv"
        assert batch.activation_emails == 2 and len(batch.file_sha256) == 64

        officers = {
            o.mykad: o for o in Officer.objects.select_related("user", "org_unit", "supervisor__user")
        }
        head, two, three, four = (officers[mykad(n)] for n in (1, 2, 3, 4))
        assert head.supervisor == org["supervisor"] and head.org_unit == org["app"]
        assert two.supervisor == three and two.org_unit == org["app"]
        assert three.supervisor == head and three.org_unit == org["btm"]
        assert four.supervisor is None and four.org_unit is None
        assert head.join_date == datetime.date(2024, 1, 15) and two.join_date == datetime.date(2023, 3, 2)
        assert (head.grade, head.position, head.user.phone) == ("F48", "Ketua Seksyen", "0123456789")
        assert head.user.full_name == "Ketua Baharu" and head.user.email == "ketua@agensi.gov.my"

        def roles(officer):
            return set(officer.user.groups.values_list("name", flat=True))

        assert roles(head) == {"pegawai", "penyelia", "eksekutif"}
        assert roles(three) == {"pegawai", "penyelia", "pentadbir"}
        assert roles(two) == roles(four) == {"pegawai"}
        for officer in (head, two, three, four):
            assert not officer.user.has_usable_password() and officer.user.must_change_password
        from spotme.audit.models import AuthEvent

        event = AuthEvent.objects.filter(kind="role_changed", username=three.mykad).get()
        assert set(event.details["after"]) == {"pegawai", "penyelia", "pentadbir"}
        assert event.details["import_batch"] == batch.pk and event.actor.username == ADMIN_A
    assert counts(agency_a)[1] == before[1] + 4
    assert sorted(m.to[0] for m in mailoutbox) == ["dua@agensi.gov.my", "ketua@agensi.gov.my"]
    batch_page = admin_client.get(response["Location"])
    assert batch_page.status_code == 200 and 'data-status="imported"' in batch_page.content.decode()


def test_activation_link_sets_the_first_password_once(
    org, agency_a, admin_client, client_for, mailoutbox, django_capture_on_commit_callbacks
):
    data = csv_bytes([row(mykad(1), "Pegawai Baharu", email="baharu@agensi.gov.my")])
    with django_capture_on_commit_callbacks(execute=True):
        assert upload(admin_client, "p.csv", data, dry_run=False).status_code == 302
    (email,) = mailoutbox
    link = re.search(r"https?://\S+/people/activate/\S+/", email.body)[0]
    assert mykad(1) in email.body
    path = link.split(agency_a.host, 1)[1].lstrip(":0123456789")
    officer_client = client_for(agency_a)
    to_form = officer_client.get(path)
    assert to_form.status_code == 302 and to_form["Location"].endswith("/set-password/")
    new_password = "Kata-Laluan-Baharu-2026"
    done = officer_client.post(
        to_form["Location"], {"new_password1": new_password, "new_password2": new_password}
    )
    assert done.status_code == 302 and done["Location"] == "/login/"
    officer_client.login_as(mykad(1), new_password)
    assert officer_client.get("/profile/").status_code == 200, "no forced change: they chose it themself"
    again = client_for(agency_a).get(path)
    assert again.status_code == 200 and 'id="invalid-link"' in again.content.decode()


def test_csv_with_bom_and_semicolons_and_malay_headers(org, agency_a, admin_client):
    rows = [
        row(mykad(1), "Siti Nurhaliza", org_unit="BTM"),
        row(mykad(2), "Ah Kow", supervisor_mykad=mykad(1)),
    ]
    for data in (
        csv_bytes(rows, bom=True),
        csv_bytes(rows, delimiter=";"),
        csv_bytes(rows, delimiter=";", bom=True),
    ):
        response = upload(admin_client, "pegawai.csv", data)
        assert response.status_code == 200, found(response) or file_error(response)
        assert response.context["report"].rows == 2
    malay = [
        "No. MyKad",
        "Nama",
        "Emel",
        "Telefon",
        "Gred",
        "Jawatan",
        "Unit",
        "MyKad Penyelia",
        "Peranan",
        "Tarikh Lapor Diri",
        "Catatan",
    ]
    data = "\n".join(
        [
            ";".join(malay),
            f"{mykad(1)};Zainab binti Ali;;;;;BTM;;penyelia;01/06/2020;baris contoh",
            f"{mykad(2)};Muthu a/l Rajan;;;;;;{mykad(1)};;;",
        ]
    ).encode()
    response = upload(admin_client, "pegawai.csv", data)
    assert response.status_code == 200, found(response) or file_error(response)
    assert response.context["report"].ignored_columns == ["Catatan"]


def test_names_in_any_script_survive_the_import(org, agency_a, admin_client):
    names = ["Nuñez Ñandú", "陈美玲", "முத்து", "نور عائشة"]
    data = csv_bytes([row(mykad(i), name) for i, name in enumerate(names, start=1)], bom=True)
    assert upload(admin_client, "pegawai.csv", data, dry_run=False).status_code == 302
    with schema_context(agency_a.schema_name):
        imported = set(
            User.objects.filter(username__in=[mykad(i) for i in range(1, 5)]).values_list(
                "full_name", flat=True
            )
        )
    assert imported == set(names)


def test_xlsx_good_file_with_cells_excel_turned_into_numbers_and_dates(org, agency_a, admin_client):
    born_2005 = "050101105555"
    data = xlsx_bytes(
        [
            [
                int(born_2005),
                "Adik Muda",
                None,
                123456789,
                "N19",
                None,
                "BTM",
                None,
                "penyelia",
                datetime.datetime(2024, 5, 2),
            ],
            [
                int(mykad(2)),
                "Pegawai Dua",
                "dua@agensi.gov.my",
                None,
                None,
                None,
                None,
                int(born_2005),
                None,
                None,
            ],
        ]
    )
    response = upload(admin_client, "pegawai.xlsx", data, dry_run=False)
    assert response.status_code == 302, found(response) or file_error(response)
    with schema_context(agency_a.schema_name):
        young = Officer.objects.select_related("user").get(user__username=born_2005)
        assert young.user.phone == "0123456789" and young.join_date == datetime.date(2024, 5, 2)
        assert Officer.objects.get(user__username=mykad(2)).supervisor == young


def test_xlsx_bad_rows_keep_the_sheet_row_numbers(org, agency_a, admin_client):
    data = xlsx_bytes(
        [
            [mykad(1), "Baik"],
            [],  # a blank row still has its number: row 3
            ["850230105555", "Tarikh Salah"],
            [mykad(5), "Unit Salah", None, None, None, None, "TIADA"],
        ]
    )
    response = upload(admin_client, "pegawai.xlsx", data, dry_run=False)
    assert response.status_code == 400
    assert found(response) == {(4, "mykad", "mykad_invalid"), (5, "org_unit", "org_unit_unknown")}
    assert counts(agency_a)[1] == 3


def test_a_write_that_fails_half_way_leaves_nothing(org, agency_a, admin_client, monkeypatch):
    """A conflicting write the checks could not see (here: the existing-account check is blinded, so
    the database refuses the admin's MyKad number at insert) rolls back every row."""
    monkeypatch.setattr(importing, "_existing_usernames", lambda mykads: set())
    rows = [row(mykad(i)) for i in range(1, 30)] + [row(ADMIN_A, "Pentadbir Lagi")]
    before = counts(agency_a)
    response = upload(admin_client, "pegawai.csv", csv_bytes(rows), dry_run=False)
    assert response.status_code == 400 and file_error(response) == "conflict"
    assert counts(agency_a) == before
    with schema_context(agency_a.schema_name):
        batch = ImportBatch.objects.first()
        assert (batch.status, batch.file_error, batch.created_count) == ("rejected", "conflict", 0)


def test_activation_emails_go_out_in_batches_and_only_once(
    org, agency_a, admin_client, mailoutbox, django_capture_on_commit_callbacks, monkeypatch
):
    from tenant_apps.people import activation

    monkeypatch.setattr(activation, "EMAILS_PER_TASK", 2)
    sent_batches = []
    real_send = activation.send_activation_emails
    monkeypatch.setattr(
        activation, "send_activation_emails", lambda ids: sent_batches.append(ids) or real_send(ids)
    )
    rows = [row(mykad(i), email=f"p{i}@agensi.gov.my") for i in range(1, 6)] + [row(mykad(6))]  # no email
    with django_capture_on_commit_callbacks(execute=True):
        assert upload(admin_client, "pegawai.csv", csv_bytes(rows), dry_run=False).status_code == 302
    assert [len(ids) for ids in sent_batches] == [2, 2, 1]
    assert len(mailoutbox) == 5
    with schema_context(agency_a.schema_name):
        first = User.objects.get(username=mykad(1))
        first.set_password(PASSWORD)
        first.save()
        assert real_send([u for ids in sent_batches for u in ids]) == 4, "a redelivered task skips activated"


# --- malformed files ------------------------------------------------------------------------------

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde"


def _zip_of(name: str, content: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(name, content)
    return out.getvalue()


MALFORMED = [
    ("gambar.csv", PNG, Problem.FILE_TYPE),
    ("gambar.png", PNG, Problem.FILE_TYPE),
    ("laporan.pdf", b"%PDF-1.4 ...", Problem.FILE_TYPE),
    ("latin1.csv", "mykad,full_name\n900101105555,José Muñoz\n".encode("latin-1"), Problem.FILE_ENCODING),
    ("utf16.csv", "mykad,full_name\n900101105555,Ali\n".encode("utf-16"), Problem.FILE_ENCODING),
    ("kosong.csv", b"", Problem.FILE_EMPTY),
    ("kosong2.csv", b"\n \n;;\n", Problem.FILE_EMPTY),
    ("tajuk.csv", b"mykad,full_name,email\n", Problem.NO_ROWS),
    ("tajuk.xlsx", None, Problem.NO_ROWS),  # header-only workbook, built below
    ("lajur.csv", b"nombor,nama_samaran\n900101105555,Ali\n", Problem.MISSING_COLUMNS),
    ("dua-kali.csv", b"mykad,full_name,nama\n900101105555,Ali,Ali\n", Problem.DUPLICATE_COLUMN),
    ("lama.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, Problem.FILE_XLS),
    ("lama-bernama-baharu.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, Problem.FILE_XLS),
    ("bukan.xlsx", b"mykad,full_name\n900101105555,Ali\n", Problem.FILE_MALFORMED),
    ("dokumen.xlsx", _zip_of("word/document.xml", b"<w/>"), Problem.FILE_MALFORMED),
    ("rosak.csv", b'mykad,full_name\n900101105555,"Ali\x00\n', Problem.FILE_TYPE),
]


@pytest.mark.parametrize(("name", "data", "code"), MALFORMED, ids=[m[0] for m in MALFORMED])
def test_malformed_files_get_a_clear_error(name, data, code, agency_a, admin_client):
    if data is None:
        data = xlsx_bytes([])
    before = counts(agency_a)
    response = upload(admin_client, name, data, dry_run=False)
    assert response.status_code == 400
    assert file_error(response) == code.value
    assert response.context["report"].file_error.message
    assert counts(agency_a) == before
    with schema_context(agency_a.schema_name):
        assert ImportBatch.objects.first().file_error == code.value


def test_error_messages_say_what_to_do(agency_a, admin_client):
    admin_client.cookies["spotme_lang"] = "en"
    latin1 = upload(admin_client, "p.csv", "mykad,full_name\n900101105555,José\n".encode("latin-1"))
    assert "CSV UTF-8" in latin1.context["report"].file_error.message
    missing = upload(admin_client, "p.csv", b"mykad,nama_samaran\n900101105555,Ali\n")
    assert "full_name" in missing.context["report"].file_error.message
    xls = upload(admin_client, "p.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")
    assert ".xlsx" in xls.context["report"].file_error.message


def test_too_large_and_too_many_rows(agency_a, admin_client, monkeypatch):
    big = b"mykad,full_name\n" + b"900101105555,Ali\n" * (importing.MAX_BYTES // 17 + 1)
    assert len(big) > importing.MAX_BYTES
    response = upload(admin_client, "besar.csv", big)
    assert response.status_code == 400 and file_error(response) == "file_too_large"

    monkeypatch.setattr(importing, "MAX_ROWS", 10)
    data = csv_bytes([row(mykad(i)) for i in range(11)])
    assert file_error(upload(admin_client, "banyak.csv", data)) == "too_many_rows"


def test_the_template_example_row_is_refused(org, agency_a, admin_client):
    template = admin_client.get("/people/import/template.csv").content
    response = upload(admin_client, "spotme-officers.csv", template)
    assert (2, "mykad", "example_row") in found(response)


# --- 5,000 rows ---------------------------------------------------------------------------------


def test_a_good_5000_row_file_imports(org, agency_a, admin_client):
    """The timing is measured by bench/run.py (BENCHMARKS.md); here: that it all lands, right."""
    rows = []
    for i in range(5000):
        supervisor = SUPERVISOR if i < 50 else mykad(1000 + (i % 50))  # 50 heads under an existing supervisor
        rows.append(
            row(
                mykad(1000 + i),
                f"Pegawai {i}",
                org_unit=["BTM", "BTM-APP", "BSM"][i % 3],
                supervisor_mykad=supervisor,
                roles="penyelia" if i < 50 else "",
                grade="F41",
                join_date="2020-01-01",
            )
        )
    data = csv_bytes(rows)
    before = counts(agency_a)
    response = upload(admin_client, "5000.csv", data, dry_run=False)
    assert response.status_code == 302, found(response) or file_error(response)
    users, officers, memberships = counts(agency_a)
    assert (users - before[0], officers - before[1], memberships - before[2]) == (5000, 5000, 5050)
    with schema_context(agency_a.schema_name):
        assert Officer.objects.filter(supervisor__user__username=SUPERVISOR).count() == 50
        assert Officer.objects.filter(supervisor__user__username=mykad(1007)).count() == 99
        assert (
            Officer.objects.filter(user__username__in=[r["mykad"] for r in rows], supervisor=None).count()
            == 0
        )
        assert ImportBatch.objects.first().created_count == 5000


# --- templates, page, permissions ---------------------------------------------------------------


def test_templates_download(org, admin_client):
    csv_template = admin_client.get("/people/import/template.csv")
    assert csv_template.status_code == 200 and csv_template["Content-Type"].startswith("text/csv")
    assert csv_template.content.startswith(b"\xef\xbb\xbf")
    header, example = list(csv.reader(io.StringIO(csv_template.content.decode("utf-8-sig"))))
    assert header == HEADER and example[HEADER.index("org_unit")] == "BTM"

    xlsx_template = admin_client.get("/people/import/template.xlsx")
    assert xlsx_template.status_code == 200
    workbook = load_workbook(io.BytesIO(xlsx_template.content))
    officers, columns, units = workbook.worksheets
    assert [c.value for c in officers[1]] == HEADER
    assert officers["A2"].value == importing.COLUMNS[0].example and officers["A3"].number_format == "@"
    assert [r[0] for r in columns.iter_rows(min_row=2, max_row=len(HEADER) + 1, values_only=True)] == HEADER
    assert ("BTM", "Bahagian Teknologi Maklumat") in {r[:2] for r in units.iter_rows(values_only=True)}


def test_the_officer_list_links_to_the_import(agency_a, admin_client):
    page = admin_client.get("/people/").content.decode()
    assert f'href="{IMPORT_URL}"' in page
    assert admin_client.get(IMPORT_URL).status_code == 200


@pytest.fixture
def staff(org, agency_a):
    """Logins of an officer, a supervisor and an executive of agency A."""
    with schema_context(agency_a.schema_name):
        activated(org["supervisor"])
        activated(actions.create_officer(mykad=OFFICER, full_name="Pegawai Biasa", notify=False).officer)
        activated(
            actions.create_officer(
                mykad=EXECUTIVE, full_name="Eksekutif", roles=[Role.EXECUTIVE], notify=False
            ).officer
        )
    return {"officer": OFFICER, "supervisor": SUPERVISOR, "executive": EXECUTIVE}


@pytest.mark.parametrize("who", ["officer", "supervisor", "executive"])
def test_only_org_admins_may_import(who, staff, agency_a, client_for):
    client = client_for(agency_a)
    client.login_as(staff[who], PASSWORD)
    before = counts(agency_a)
    for path in (IMPORT_URL, "/people/import/template.csv", "/people/import/template.xlsx"):
        assert client.get(path).status_code == 403, path
    assert upload(client, "p.csv", csv_bytes([row(mykad(1))]), dry_run=False).status_code == 403
    assert counts(agency_a) == before


def test_anonymous_and_other_agencies_cannot_import(agency_a, agency_b, client_for, settings):
    anonymous = client_for(agency_a)
    response = upload(anonymous, "p.csv", csv_bytes([row(mykad(1))]), dry_run=False)
    assert response.status_code == 302 and response["Location"].startswith("/login/")

    # B's admin, logged in on B, presents their session on A's host: not a session there.
    client_b = client_for(agency_b)
    client_b.login_as(ADMIN_B, PASSWORD)
    assert client_b.get(IMPORT_URL).status_code == 200, "B's admin may import into B"
    intruder = client_for(agency_a)
    intruder.cookies = client_b.cookies
    before = counts(agency_a)
    for response in (intruder.get(IMPORT_URL), upload(intruder, "p.csv", csv_bytes([row(mykad(1))]), False)):
        assert response.status_code == 302 and response["Location"].startswith("/login/")
    assert counts(agency_a) == before
    # nor can B's admin log in on A's host
    assert (
        client_for(agency_a).post("/login/", {"username": ADMIN_B, "password": PASSWORD}).status_code == 200
    )


def test_the_import_is_csrf_protected(agency_a, client_for):
    logged_in = client_for(agency_a)
    logged_in.login_as(ADMIN_A, PASSWORD)
    client = client_for(agency_a, enforce_csrf_checks=True)
    client.cookies = logged_in.cookies
    response = upload(client, "p.csv", csv_bytes([row(mykad(1))]), dry_run=False)
    assert response.status_code == 403
    with schema_context(agency_a.schema_name):
        assert not User.objects.filter(username=mykad(1)).exists()
