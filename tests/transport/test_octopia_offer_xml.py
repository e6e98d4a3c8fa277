"""Octopia XML offer packages: the ZIP writer, and the transport against the simulator, which
downloads the ZIP over real HTTP from a second local server (Odoo's role in production)."""
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest
from marketplace_simulator import SimulatorApp, SimulatorServer
from marketplace_simulator import octopia as sim
from marketplace_simulator.server import Response
from octopia_rest_testing import make_transport

from marketplace_transport import OfferUpdate, RemoteError
from marketplace_transport.octopia.offer_xml import (
    OFFER_NAMESPACE,
    XAML_NAMESPACE,
    write_offer_packages,
)
from marketplace_transport.octopia.offers import xml_only_fingerprint

NS = {"o": OFFER_NAMESPACE}
GOOD_EAN = sim.CATALOG[0]["ean"]


def offer(sku, ean=GOOD_EAN, price=19.9, quantity=4, **extra):
    return OfferUpdate(seller_sku=sku, price=price, quantity=quantity, ean=ean,
                       extra={"condition": "New", "delivery_mode": "STD", "shipping_charges": 4.5, **extra})


def read_package(package):
    with zipfile.ZipFile(package.path) as archive:
        names = archive.namelist()
        return names, archive.read("Content/Offers.xml"), archive


def offers_of(xml_bytes):
    return ET.fromstring(xml_bytes).findall("o:OfferPackage.Offers/o:OfferCollection/o:Offer", NS)


def test_zip_layout_namespaces_and_attributes(tmp_path):
    striking = offer("CAFE-1", price=17.5, striked_price=21.0, price_must_be_aligned="Align",
                     minimum_price_for_price_alignment=15.0, product_packaging_unit="Kilogram",
                     product_packaging_value=1.0, preparation_time=2, vat_rate=20.0, eco_tax=0.3,
                     discount_value=3.5, discount_sales_reference_price=21.0, discount_type="Flash",
                     discount_start_date="2026-11-27T00:00:00", discount_end_date="2026-11-30T23:59:00.123")
    [package] = write_offer_packages([striking, offer("THE-2", condition="AverageState")], name="Odoo offers",
                                     sales_channel="CDISFR", directory=tmp_path)
    names, content, _archive = read_package(package)
    assert sorted(names) == ["Content/Offers.xml", "[Content_Types].xml", "_rels/.rels"]
    assert package.seller_skus == ["CAFE-1", "THE-2"]
    root = ET.fromstring(content)
    assert root.tag == f"{{{OFFER_NAMESPACE}}}OfferPackage"
    assert f'xmlns:x="{XAML_NAMESPACE}"' in content.decode()
    assert (root.get("Name"), root.get("PackageType"), root.get("PurgeAndReplace")) == ("Odoo offers", "Full", "false")
    assert root.find("o:OfferPackage.Offers/o:OfferCollection", NS).get("Capacity") == "2"
    first, second = offers_of(content)
    assert first.attrib == {
        "SellerProductId": "CAFE-1", "ProductEan": GOOD_EAN, "ProductCondition": "6", "Price": "17.50", "Stock": "4",
        "PreparationTime": "2", "Vat": "20", "EcoPart": "0.30", "StrikedPrice": "21.00", "PriceMustBeAligned": "Align",
        "MinimumPriceForPriceAlignment": "15.00", "ProductPackagingUnit": "Kilogram", "ProductPackagingValue": "1"}
    assert second.get("ProductCondition") == "4"  # AverageState, as in the Cdiscount samples
    shipping = first.find("o:Offer.ShippingInformationList/o:ShippingInformationList/o:ShippingInformation", NS)
    assert shipping.attrib == {"DeliveryMode": "Standard", "ShippingCharges": "4.50",
                               "AdditionalShippingCharges": "0.00"}
    discount = first.find("o:Offer.PriceAndDiscountList/o:DiscountComponentList/o:DiscountComponent", NS)
    assert discount.attrib == {"DiscountUnit": "1", "DiscountValue": "3.50", "SalesReferencePrice": "21.00",
                               "StartDate": "2026-11-27T00:00:00", "EndDate": "2026-11-30T23:59:00", "Type": "Flash"}
    assert second.find("o:Offer.PriceAndDiscountList", NS) is None
    pool = root.find("o:OfferPackage.OfferPublicationList/o:OfferPublicationList/o:PublicationPool", NS)
    assert pool.get("SalesChannelId") == "CDISFR"
    package.remove()
    assert not Path(package.path).exists()


def test_values_are_escaped_and_invalid_characters_dropped(tmp_path):
    sku = 'A&B <"x">\'\x01\nC'
    [package] = write_offer_packages([offer(sku, delivery_mode='R&D "big"')], name="Soldes <noël> & co",
                                     directory=tmp_path)
    _names, content, _archive = read_package(package)
    root = ET.fromstring(content)  # well-formed despite the markup characters
    assert root.get("Name") == "Soldes <noël> & co"
    [element] = offers_of(content)
    assert element.get("SellerProductId") == 'A&B <"x">\'\nC'
    assert element.find(".//o:ShippingInformation", NS).get("DeliveryMode") == 'R&D "big"'
    package.remove()


def test_packages_are_capped_and_streamed(tmp_path):
    consumed = []

    def offers():
        for index in range(7):
            consumed.append(index)
            yield offer(f"SKU-{index}")

    packages = write_offer_packages(offers(), name="Batch", max_offers=3, directory=tmp_path)
    first = next(packages)
    assert len(consumed) == 3, "the first package is yielded before the next offers are read"
    rest = list(packages)
    sizes = [len(offers_of(read_package(p)[1])) for p in [first, *rest]]
    assert sizes == [3, 3, 1]
    assert [p.name for p in [first, *rest]] == ["Batch", "Batch 2", "Batch 3"]
    assert read_package(rest[-1])[1].count(b'Capacity="1"') >= 1
    assert sorted(sku for p in [first, *rest] for sku in p.seller_skus) == sorted(f"SKU-{i}" for i in range(7))
    for package in [first, *rest]:
        package.remove()
    assert list(tmp_path.iterdir()) == [], "no temporary file is left behind"
    assert list(write_offer_packages([], directory=tmp_path)) == []


def test_fingerprint_covers_only_the_xml_only_attributes():
    assert xml_only_fingerprint({"delivery_mode": "TRK", "condition": "New", "preparation_time": 2}) == ""
    striked = xml_only_fingerprint({"striked_price": 21.0, "price_must_be_aligned": "Align"})
    assert striked and striked == xml_only_fingerprint({"price_must_be_aligned": "Align", "striked_price": 21.0,
                                                        "delivery_mode": "TRK", "eco_tax": 0.5})
    assert striked != xml_only_fingerprint({"striked_price": 20.0, "price_must_be_aligned": "Align"})


# -- transport and simulator ---------------------------------------------------------------
@pytest.fixture(scope="module")
def servers():
    api = SimulatorApp()
    sim.register(api)
    files = SimulatorApp()  # plays Odoo: serves the ZIP files by name
    files.state["zips"] = {}

    @files.route("GET", r"/zip/(?P<name>[\w.-]+)")
    def serve(request):
        data = files.state["zips"].get(request.params["name"])
        return Response(200, data, content_type="application/zip") if data else Response(404, b"not found")

    with SimulatorServer(api) as api_server, SimulatorServer(files) as file_server:
        yield api, api_server, files, file_server


@pytest.fixture
def env(servers):
    api, api_server, files, file_server = servers
    sim.get_state(api).reset(package_steps=2)
    files.state["zips"].clear()
    return api, api_server, files, file_server


def publish(env, offers, name="offers.zip", tmp_path=None, **kwargs):
    _api, _server, files, file_server = env
    [package] = write_offer_packages(offers, directory=tmp_path, **kwargs)
    files.state["zips"][name] = Path(package.path).read_bytes()
    package.remove()
    return f"{file_server.url}/zip/{name}"


def test_submit_poll_and_per_offer_logs(env, tmp_path):
    api, server, _files, _file_server = env
    state = sim.get_state(api)
    url = publish(env, [offer("CAFE-1", striked_price=21.0, price_must_be_aligned="Align",
                              minimum_price_for_price_alignment=15.0),
                        offer("BAD-EAN", ean="1234567890123"),
                        offer("BAD-UNIT", product_packaging_unit="Gallon")], tmp_path=tmp_path)
    transport = make_transport(server)
    package_id = transport.submit_offer_xml_package(url)
    assert state.xml_downloads == [url]
    assert api.requests[-1][:2] == ("POST", sim.API_PREFIX + "/offer-integration-packages")
    pending = transport.read_offer_xml_package(package_id)
    assert (pending.state, pending.finished, pending.results) == ("IntegrationPending", False, [])
    report = transport.read_offer_xml_package(package_id)
    assert (report.state, report.finished, report.error_count) == ("Integrated", True, 2)
    outcome = {r.seller_sku: r for r in report.results}
    assert outcome["CAFE-1"].state == "done"
    assert outcome["BAD-EAN"].state == "error" and "ProductEan" in outcome["BAD-EAN"].message
    assert "ProductPackagingUnit" in outcome["BAD-UNIT"].message
    integrated = state.offers["CAFE-1"]["xml"]
    assert (integrated["StrikedPrice"], integrated["PriceMustBeAligned"],
            integrated["MinimumPriceForPriceAlignment"]) == ("21.00", "Align", "15.00")
    assert state.offers["CAFE-1"]["xmlShippingInformation"][0]["DeliveryMode"] == "Standard"
    assert "BAD-EAN" not in state.offers


def test_logs_are_read_page_by_page(env, tmp_path):
    api, server, _files, _file_server = env
    sim.get_state(api).reset(package_steps=1)
    url = publish(env, (offer(f"SKU-{i:03d}") for i in range(230)), tmp_path=tmp_path)
    transport = make_transport(server)
    package_id = transport.submit_offer_xml_package(url)
    report = transport.read_offer_xml_package(package_id)
    assert report.finished and len(report.results) == 230
    assert {r.state for r in report.results} == {"done"}
    pages = [q.get("$page") for m, p, q in api.requests if p.endswith(f"/offer-integration-packages/{package_id}")]
    assert pages == ["1", "2", "3"]


def test_body_field_option_and_duplicates(env, tmp_path):
    api, server, _files, _file_server = env
    sim.get_state(api).reset(package_steps=1)
    url = publish(env, [offer("DUP"), offer("DUP"), offer("OK")], tmp_path=tmp_path)
    transport = make_transport(server, offer_xml_url_field="url")
    report = transport.read_offer_xml_package(transport.submit_offer_xml_package(url))
    states = sorted((r.seller_sku, r.state) for r in report.results)
    assert states == [("DUP", "error"), ("DUP", "error"), ("OK", "done")]


def test_unreachable_url_bad_zip_and_unknown_package(env, tmp_path):
    _api, server, files, file_server = env
    transport = make_transport(server)
    with pytest.raises(RemoteError) as missing:
        transport.submit_offer_xml_package(f"{file_server.url}/zip/nothing.zip")
    assert "could not be downloaded" in missing.value.message and "404" in missing.value.message
    files.state["zips"]["broken.zip"] = b"PK not really a zip"
    with pytest.raises(RemoteError) as broken:
        transport.submit_offer_xml_package(f"{file_server.url}/zip/broken.zip")
    assert "not a valid ZIP" in broken.value.message
    with pytest.raises(RemoteError):
        transport.submit_offer_xml_package("not a url")
    with pytest.raises(RemoteError):
        transport.read_offer_xml_package("999999")
