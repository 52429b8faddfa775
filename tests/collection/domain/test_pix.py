"""PIX BR Code ("copia e cola"): CRC16 check value, the manual's examples, field structure, refusals."""

from decimal import Decimal

import pytest

from modules.collection.domain.pix import PixCharge, build_payload, crc16_ccitt, parse_fields, parse_payload
from modules.common.errors import ValidationFailed

# Static example of the Banco Central's "Manual de Padrões para Iniciação do Pix" (EVP key, no amount).
MANUAL_STATIC = (
    "00020126580014br.gov.bcb.pix0136123e4567-e12b-12d1-a456-426655440000"
    "5204000053039865802BR5913Fulano de Tal6008BRASILIA62070503***63041D3D"
)
# Dynamic example of the manual's §6.2 as transcribed in gist matheusb-comp/1efa205b3c0ffd7af1e8ce63a10e02dc.
MANUAL_DYNAMIC = (
    "0002010102122677"
    "0014BR.GOV.BCB.PIX2555pix.example.com/qr/93598be0-1bd0-4997-8318-81776a1d8a99"
    "5204000053039865802BR5907EMPRESA6009SAO PAULO62070503***6304EEAB"
)


def test_crc16_ccitt_false_check_value() -> None:
    assert crc16_ccitt(b"123456789") == 0x29B1


def test_builds_the_manual_static_example_exactly() -> None:
    charge = PixCharge(
        merchant_name="Fulano de Tal", merchant_city="BRASILIA", key="123e4567-e12b-12d1-a456-426655440000"
    )
    assert build_payload(charge) == MANUAL_STATIC


def test_the_manual_dynamic_example_checks() -> None:
    fields = parse_payload(MANUAL_DYNAMIC)
    assert fields["01"] == "12"
    assert parse_fields(fields["26"]) == {
        "00": "BR.GOV.BCB.PIX",
        "25": "pix.example.com/qr/93598be0-1bd0-4997-8318-81776a1d8a99",
    }
    assert (fields["59"], fields["60"], fields["62"]) == ("EMPRESA", "SAO PAULO", "0503***")


def test_dynamic_charge_with_location_and_amount() -> None:
    charge = PixCharge(
        merchant_name="SAAE de Querência",
        merchant_city="Querência",
        amount=Decimal("415.29"),
        location="https://pix.psp.example/qr/v2/cobv/9d36b84fc70b478fb95c12729b90ca25",
    )
    payload = build_payload(charge)
    fields = parse_payload(payload)
    assert list(fields) == ["00", "01", "26", "52", "53", "54", "58", "59", "60", "62", "63"]
    assert fields["00"] == "01" and fields["01"] == "12"
    assert parse_fields(fields["26"]) == {
        "00": "br.gov.bcb.pix",
        "25": "pix.psp.example/qr/v2/cobv/9d36b84fc70b478fb95c12729b90ca25",
    }
    assert (fields["52"], fields["53"], fields["54"], fields["58"]) == ("0000", "986", "415.29", "BR")
    assert (fields["59"], fields["60"]) == ("SAAE de Querencia", "Querencia")
    assert parse_fields(fields["62"]) == {"05": "***"}
    assert payload[-8:-4] == "6304" and fields["63"] == f"{crc16_ccitt(payload[:-4].encode()):04X}"


def test_static_charge_with_key_txid_amount_and_message() -> None:
    charge = PixCharge(
        merchant_name="DESO",
        merchant_city="Aracaju",
        amount=Decimal("41.53"),
        key="13018171000190",
        txid="EXTRATO18466729",
        message="Entrada do parcelamento",
    )
    fields = parse_payload(build_payload(charge))
    assert "01" not in fields
    assert parse_fields(fields["26"]) == {
        "00": "br.gov.bcb.pix",
        "01": "13018171000190",
        "02": "Entrada do parcelamento",
    }
    assert fields["54"] == "41.53"
    assert parse_fields(fields["62"]) == {"05": "EXTRATO18466729"}


def test_long_name_and_city_are_cut_to_25_and_15() -> None:
    charge = PixCharge(
        merchant_name="Serviço Autônomo de Água e Esgoto de Sorocaba",
        merchant_city="São José do Rio Preto",
        key="+5515999999999",
    )
    fields = parse_payload(build_payload(charge))
    assert (fields["59"], fields["60"]) == ("Servico Autonomo de Agua ", "Sao Jose do Rio")


def test_a_changed_character_fails_the_crc() -> None:
    tampered = MANUAL_STATIC.replace("Fulano", "Fulana")
    with pytest.raises(ValidationFailed) as refused:
        parse_payload(tampered)
    assert refused.value.message.startswith("CRC do BR Code não confere: informado 1D3D, calculado ")


@pytest.mark.parametrize(
    ("charge", "field", "message"),
    [
        (PixCharge("DESO", "Aracaju"), "key", "Informe a chave Pix ou a URL de localização (uma das duas)."),
        (
            PixCharge("DESO", "Aracaju", key="k", location="https://x.example/qr"),
            "key",
            "Informe a chave Pix ou a URL de localização (uma das duas).",
        ),
        (PixCharge(" ", "Aracaju", key="k"), "merchant_name", "Informe o nome do recebedor."),
        (PixCharge("DESO", "", key="k"), "merchant_city", "Informe a cidade do recebedor."),
        (
            PixCharge("DESO", "Aracaju", location="http://x.example/qr"),
            "location",
            "A URL de localização deve usar https.",
        ),
        (
            PixCharge("DESO", "Aracaju", location="https://x.example/qr", txid="ABC"),
            "txid",
            "Em cobrança dinâmica o txid fica na localização; não o informe no BR Code.",
        ),
        (
            PixCharge("DESO", "Aracaju", key="k", txid="COM ESPACO"),
            "txid",
            "O txid deve ter de 1 a 25 letras ou números, sem espaços.",
        ),
        (
            PixCharge("DESO", "Aracaju", key="k", amount=Decimal("10.005")),
            "amount",
            "O valor deve ser positivo e ter até duas casas decimais.",
        ),
        (
            PixCharge("DESO", "Aracaju", key="k", amount=Decimal("0")),
            "amount",
            "O valor deve ser positivo e ter até duas casas decimais.",
        ),
    ],
)
def test_refusals_in_pt_br(charge: PixCharge, field: str, message: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        build_payload(charge)
    assert (refused.value.field, refused.value.message) == (field, message)


def test_malformed_payloads() -> None:
    with pytest.raises(ValidationFailed, match="sem o campo CRC"):
        parse_payload("000201")
    with pytest.raises(ValidationFailed, match="malformado na posição 1"):
        parse_fields("0099ab")
