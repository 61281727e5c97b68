"""A known data set for the report tests, small enough to count by hand.

Förbund A: insats A1 (marked for långtidssjukskrivna), A2 and the volyminsats "Volym A", all
individinriktade, inriktning förberedande; förbund B: one participation that must never show.
Numbers (#1 …) are referred to in the tests' hand counts.
"""

from __future__ import annotations

from datetime import date

from formapp.extensions import db
from formapp.records.models import AnonymousCount, VolumeCount
from formapp.tooling.synthetic import (
    Participation,
    Work,
    insert_participations,
    placeholder_document,
)
from tests.world import World

START = date(2024, 1, 15)
END = date(2024, 6, 30)


def _born(age: int, start: date = START) -> date:
    return date(start.year - age, 1, 1)  # the birthday has passed by the start date


def participations(world: World) -> list[Participation]:
    a1, a2 = world.insats_a1.id, world.insats_a2.id
    return [
        # 1 K 25, ended 2024 reason 1: to subventionerat arbete 50 %.
        Participation(a1, "kvinna", _born(25), START, utbildning="grundskola",
                      forsorjning_tid="upp_till_1", supports_fore=("forsorjningsstod",),
                      end_date=END, end_reason="1", supports_efter=("ingen",),
                      work_efter=Work(50, "subventionerat")),
        # 2 K 40, worked 25 % before; after works 100 % and studies 50 % (extent 100).
        Participation(a1, "kvinna", _born(40), START, utbildning="gymnasium",
                      forsorjning_tid="upp_till_2", supports_fore=("sjukpenning",),
                      work_fore=Work(25, "inte_subventionerat"), end_date=END,
                      end_reason="1", supports_efter=("ingen",),
                      work_efter=Work(100, "inte_subventionerat", 50)),
        # 3 M 22, reason 2, actively job seeking after.
        Participation(a1, "man", _born(22), START, utbildning="grundskola",
                      forsorjning_tid="upp_till_1",
                      supports_fore=("aktivitetsersattning", "studiestod"), end_date=END,
                      end_reason="2", supports_efter=("aktivitetsersattning",),
                      aktivt_efter=True),
        # 4 M 50, studied 50 % before, reason 3.
        Participation(a1, "man", _born(50), START, utbildning="gymnasium",
                      forsorjning_tid="mer_an_9", supports_fore=("sjukpenning",),
                      work_fore=Work(studier=50), end_date=END, end_reason="3",
                      supports_efter=("sjukersattning",)),
        # 5 K 62, reason 6 (no after-measurement).
        Participation(a1, "kvinna", _born(62), START, utbildning="hogskola_mer_an_3",
                      forsorjning_tid="upp_till_1", supports_fore=("a_kassa",),
                      end_date=END, end_reason="6"),
        # 6 M 33, reason 7 (no after-measurement).
        Participation(a1, "man", _born(33), START, utbildning="saknas",
                      forsorjning_tid="upp_till_3", supports_fore=("forsorjningsstod",),
                      end_date=END, end_reason="7"),
        # 7 K 29, only studiestöd before, reason 9, studies 100 % after.
        Participation(a1, "kvinna", _born(29), START, utbildning="gymnasium",
                      forsorjning_tid="ej_tillampligt", supports_fore=("studiestod",),
                      end_date=END, end_reason="9", supports_efter=("ingen",),
                      work_efter=Work(studier=100)),
        # 8 M 45 and 9 K 30: open, started 2024.
        Participation(a1, "man", _born(45), START, utbildning="grundskola",
                      forsorjning_tid="upp_till_5",
                      supports_fore=("sjukpenning", "forsorjningsstod")),
        Participation(a1, "kvinna", _born(30), START, utbildning="annan_eftergymnasial",
                      forsorjning_tid="upp_till_2", supports_fore=("aktivitetsersattning",)),
        # 10 K 35: started and ended 2023.
        Participation(a1, "kvinna", _born(35, date(2023, 3, 1)), date(2023, 3, 1),
                      utbildning="gymnasium", forsorjning_tid="upp_till_1",
                      supports_fore=("sjukpenning",), end_date=date(2023, 9, 1),
                      end_reason="2", supports_efter=("sjukpenning",)),
        # 11 M 28: started 2023, still open.
        Participation(a1, "man", _born(28, date(2023, 5, 1)), date(2023, 5, 1),
                      utbildning="grundskola", forsorjning_tid="upp_till_1",
                      supports_fore=("aktivitetsersattning",)),
        # 12 K 55 in A2, ended 2024 reason 4.
        Participation(a2, "kvinna", _born(55), date(2024, 2, 1), utbildning="gymnasium",
                      forsorjning_tid="upp_till_3", supports_fore=("forsorjningsstod",),
                      end_date=date(2024, 5, 1), end_reason="4",
                      supports_efter=("forsorjningsstod",)),
    ]


def build_dataset(world: World) -> None:
    world.insats_a1.prio_langtidssjukskrivna = True
    document = placeholder_document(world.forbund_a.id, world.forbund_a.name)
    insert_participations(world.forbund_a.id, participations(world), document)
    other = placeholder_document(world.forbund_b.id, world.forbund_b.name)
    insert_participations(world.forbund_b.id, [Participation(
        world.insats_b1.id, "man", _born(40), START, end_date=END, end_reason="1",
        supports_efter=("ingen",), work_efter=Work(100, "eget_foretag"))], other)
    db.session.add_all([
        AnonymousCount(insats_id=world.insats_a1.id, year=2024, kon="kvinna", count=3),
        AnonymousCount(insats_id=world.insats_a1.id, year=2024, kon="man", count=2),
        AnonymousCount(insats_id=world.insats_a1.id, year=2023, kon="kvinna", count=7),
        VolumeCount(insats_id=world.insats_volume.id, year=2024, count=40),
    ])
    db.session.commit()
