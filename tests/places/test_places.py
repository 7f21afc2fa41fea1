"""Postcode centres: the import in both formats, distances, and the address geocoder behind its
setting (against a local stand-in for the address register)."""

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from places.geo import distance_km
from places.geocoding import geocode
from places.models import Postcode
from places.selectors import postcodes_within
from places.services import postcodes_import_text

pytestmark = pytest.mark.django_db


def test_brobygs_own_csv_and_the_registers_json_both_import_and_update():
    result = postcodes_import_text(
        text="code;name;latitude;longitude;district\n5000;Odense C;55.3959;10.3883;Midt\n"
    )
    again = postcodes_import_text(
        text=json.dumps([{"nr": "5000", "navn": "Odense C", "visueltcenter": [10.39, 55.40]}])
    )

    assert result == {"created": 1, "updated": 0}
    assert again == {"created": 0, "updated": 1}
    postcode = Postcode.objects.get()
    assert (postcode.latitude, postcode.longitude) == (55.40, 10.39)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("code;name;latitude;longitude\n50000;Odense;55.4;10.4\n", "fire cifre"),
        ("code;name;latitude;longitude\n5000;;55.4;10.4\n", "bynavnet mangler"),
        ("code;name;latitude;longitude\n5000;Odense;10.4;55.4\n", "ligger ikke i Danmark"),
    ],
)
def test_a_bad_row_imports_nothing_and_says_which(text, message):
    good = "code;name;latitude;longitude\n5200;Odense V;55.39;10.33\n"
    with pytest.raises(ValidationError) as error:
        postcodes_import_text(text=good + text.split("\n", 1)[1])
    assert message in str(error.value)
    assert not Postcode.objects.exists()


def test_the_command_reads_a_file_and_explains_a_missing_one(tmp_path):
    path = tmp_path / "postnumre.csv"
    path.write_text("code,name,latitude,longitude\n5000,Odense C,55.3959,10.3883\n")
    call_command("import_postcodes", str(path))
    assert Postcode.objects.filter(code="5000").exists()
    with pytest.raises(CommandError):
        call_command("import_postcodes", str(tmp_path / "missing.csv"))


def test_distances_and_the_postcodes_within_reach():
    postcodes_import_text(
        text="code;name;latitude;longitude\n5000;Odense C;55.3959;10.3883\n"
        "5750;Ringe;55.2380;10.4800\n8000;Aarhus C;56.1567;10.2108\n"
    )
    # Odense to Ringe is about 18 km as the crow flies.
    assert distance_km(55.3959, 10.3883, 55.2380, 10.4800) == pytest.approx(18.6, abs=1)
    assert sorted(postcodes_within(lat=55.3959, lon=10.3883, km=25)) == ["5000", "5750"]


class _Register(BaseHTTPRequestHandler):
    answer = b"[]"

    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(type(self).answer)

    def log_message(self, *args):
        pass


@pytest.fixture
def register(settings):
    server = HTTPServer(("127.0.0.1", 0), _Register)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.BROBYG_GEOCODER = "dawa"
    settings.BROBYG_GEOCODER_URL = f"http://127.0.0.1:{server.server_port}/adresser"
    yield _Register
    server.shutdown()


def test_the_geocoder_places_an_address_and_falls_back_to_the_postcode(register, settings):
    postcodes_import_text(text="code;name;latitude;longitude\n5000;Odense C;55.3959;10.3883\n")
    register.answer = json.dumps([{"x": 10.4021, "y": 55.3961}]).encode()
    assert geocode(address="Flakhaven 2", postcode="5000") == (55.3961, 10.4021)

    register.answer = b"[]"  # the register does not know the address
    assert geocode(address="Ukendt vej 1", postcode="5000") == (55.3959, 10.3883)

    settings.BROBYG_GEOCODER_URL = "http://127.0.0.1:9/adresser"  # nobody answers
    assert geocode(address="Flakhaven 2", postcode="5000") == (55.3959, 10.3883)
    assert geocode(address="Flakhaven 2", postcode="9999") is None
