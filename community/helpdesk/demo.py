"""Demo data for digital help, written through the services."""

from __future__ import annotations

from datetime import timedelta

from community import geo, signals
from community.accounts.models import User
from community.db import utcnow
from community.helpdesk.forms import CONSENT_TEXT
from community.helpdesk.models import Mode
from community.helpdesk.services import requests, sessions, topics, volunteers
from community.helpdesk.services.requests import RequestInput
from community.helpdesk.services.topics import StepInput
from community.spaces.models import Space

TOPICS = [
    ("Digital Post", "Læs breve fra kommunen, lægen og Skat i din digitale postkasse."),
    ("MitID", "Log sikkert ind med MitID-appen eller en kodeviser."),
    ("Digital Post-appen", "Få dine breve på telefonen."),
    ("Selvbetjening på borger.dk", "Søg, ansøg og se dine sager på borger.dk."),
    ("sundhed.dk", "Se prøvesvar, medicin og din journal."),
    ("Videoopkald med familien", "Se børn og børnebørn på skærmen."),
    ("Smartphone for begyndere", "De første skridt med telefon eller tablet."),
]
GUIDES = {
    "Digital Post": (
        "Sådan læser du et brev i Digital Post",
        [
            "Åbn **Digital Post-appen** på din telefon, eller gå til borger.dk og vælg *Digital Post*.",
            "Log ind med MitID. Godkend i MitID-appen, når den spørger.",
            "Nu ser du din indbakke. Nye breve står med **fed** skrift.",
            "Tryk på et brev for at læse det. Tryk på pilen tilbage for at komme til indbakken igen.",
        ],
    ),
    "MitID": (
        "Sådan godkender du med MitID-appen",
        [
            "Når du logger ind, skriver du dit MitID-brugernavn og trykker *Fortsæt*.",
            "Åbn MitID-appen på din telefon. Den viser, hvem der beder om at logge dig ind.",
            "Tjek at det er den hjemmeside, du selv er på. Stryg så pilen til højre.",
            "Giv aldrig din kode eller dit brugernavn til nogen, heller ikke en frivillig.",
        ],
    ),
}


@signals.demo_seeded.connect
def seed_helpdesk(municipality, *, users: dict[str, User], spaces: dict[str, Space]) -> None:
    mette, anne, inger = (
        users["kommune@example.org"],
        users["frivillig@example.org"],
        users["senior@example.org"],
    )
    made = {name: topics.save_topic(municipality.id, name=name, summary=summary) for name, summary in TOPICS}
    for topic_name, (title, steps) in GUIDES.items():
        topics.save_guide(
            made[topic_name],
            title=title,
            summary="Trin for trin, med store bogstaver til print.",
            steps=[StepInput(s) for s in steps],
            by=mette,
        )
    profile = volunteers.save_profile(
        anne,
        municipality.id,
        topics=[made["Digital Post"], made["MitID"]],
        languages=["da", "en"],
        modes=[Mode.DROP_IN, Mode.HOME, Mode.PHONE],
        radius_km=15,
        availability="Hverdage efter kl. 16",
        about="Tidligere bibliotekar. Jeg har god tid og masser af tålmodighed.",
        paused=False,
    )
    volunteers.set_vetted(profile, by=mette, vetted=True)
    now = utcnow().replace(minute=0, second=0, microsecond=0)
    next_thursday = now + timedelta(days=(3 - now.weekday()) % 7 or 7)
    start = next_thursday.replace(hour=13)  # 14:00 in Denmark in winter
    weekly = sessions.create_sessions(
        municipality.id,
        by=mette,
        title="IT-café på Skanderborg Bibliotek",
        place=geo.resolve("Skanderborg"),
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        seats=6,
        weeks=8,
        topics=[made["Digital Post"], made["MitID"], made["Smartphone for begyndere"]],
        notes="Læsesalen på 1. sal. Tag din telefon eller tablet og dit MitID med.",
    )
    sessions.book(weekly[0], by=inger)
    soon = now + timedelta(days=2)
    requests.file_request(
        municipality.id,
        by=inger,
        data=RequestInput(
            topic=made["Digital Post"],
            mode=Mode.PHONE,
            description="Jeg kan ikke finde brevet fra kommunen om min boligstøtte.",
            windows=[(soon.replace(hour=8), soon.replace(hour=11))],
        ),
    )
    requests.file_request(
        municipality.id,
        by=mette,
        data=RequestInput(
            topic=made["MitID"],
            mode=Mode.HOME,
            description="Har fået ny telefon og skal have MitID-appen flyttet.",
            windows=[(soon.replace(hour=12), soon.replace(hour=15))],
            place=geo.resolve("Stilling"),
            assisted=True,
            person_name="Karen Olsen",
            phone="86 12 34 56",
            consent=True,
            consent_text=str(CONSENT_TEXT),
        ),
    )
