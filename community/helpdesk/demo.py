"""Demo data for digital help: today's through the services, a year of history as rows (with a fixed
random seed), and a guide for every topic in plain Danish and English."""

from __future__ import annotations

import random
import secrets
from datetime import timedelta

from community import geo, signals
from community.accounts.models import User
from community.accounts.services import create_user
from community.db import utcnow
from community.extensions import db
from community.helpdesk.forms import CONSENT_TEXT
from community.helpdesk.models import (
    Answer,
    Booking,
    BookingStatus,
    DropInSession,
    EventKind,
    HelpRequest,
    HelpTopic,
    Match,
    Mode,
    RequestEvent,
    RequestStatus,
    VolunteerProfile,
)
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
#: A guide for every topic, in plain Danish and plain English: (title, steps) per language.
GUIDES: dict[str, dict[str, tuple[str, list[str]]]] = {
    "Digital Post": {
        "da": (
            "Sådan læser du et brev i Digital Post",
            [
                "Åbn **Digital Post-appen** på din telefon, eller gå til borger.dk og vælg *Digital Post*.",
                "Log ind med MitID. Godkend i MitID-appen, når den spørger.",
                "Nu ser du din indbakke. Nye breve står med **fed** skrift.",
                "Tryk på et brev for at læse det. Tryk på pilen tilbage for at komme til indbakken igen.",
            ],
        ),
        "en": (
            "How to read a letter in Digital Post",
            [
                "Open the **Digital Post app** on your phone, or go to borger.dk and choose *Digital Post*.",
                "Log in with MitID. Approve in the MitID app when it asks.",
                "Now you see your inbox. New letters are in **bold**.",
                "Tap a letter to read it. Tap the back arrow to return to the inbox.",
            ],
        ),
    },
    "MitID": {
        "da": (
            "Sådan godkender du med MitID-appen",
            [
                "Når du logger ind, skriver du dit MitID-brugernavn og trykker *Fortsæt*.",
                "Åbn MitID-appen på din telefon. Den viser, hvem der beder om at logge dig ind.",
                "Tjek at det er den hjemmeside, du selv er på. Stryg så pilen til højre.",
                "Giv aldrig din kode eller dit brugernavn til nogen, heller ikke en frivillig.",
            ],
        ),
        "en": (
            "How to approve with the MitID app",
            [
                "When you log in, write your MitID user name and press *Continue*.",
                "Open the MitID app on your phone. It shows who asks to log you in.",
                "Check that it is the website you are on yourself. Then swipe the arrow to the right.",
                "Never give your code or your user name to anyone, not even a volunteer.",
            ],
        ),
    },
    "Digital Post-appen": {
        "da": (
            "Sådan får du Digital Post på telefonen",
            [
                "Åbn *App Store* (iPhone) eller *Google Play* (Android).",
                "Søg efter **Digital Post** og hent appen. Den er gratis.",
                "Åbn appen og log ind med MitID.",
                "Vælg en kode på fire tal, så du ikke skal bruge MitID hver gang.",
            ],
        ),
        "en": (
            "How to get Digital Post on your phone",
            [
                "Open the *App Store* (iPhone) or *Google Play* (Android).",
                "Search for **Digital Post** and get the app. It is free.",
                "Open the app and log in with MitID.",
                "Choose a code of four digits, so you need not use MitID every time.",
            ],
        ),
    },
    "Selvbetjening på borger.dk": {
        "da": (
            "Sådan finder du en blanket på borger.dk",
            [
                "Gå til **borger.dk** i din browser.",
                "Skriv det, du leder efter, i søgefeltet, for eksempel *boligstøtte*.",
                "Vælg den side, der passer, og tryk på den grønne knap *Søg* eller *Ansøg*.",
                "Log ind med MitID og følg trinene. Du kan altid gemme og fortsætte senere.",
            ],
        ),
        "en": (
            "How to find a form on borger.dk",
            [
                "Go to **borger.dk** in your browser.",
                "Write what you look for in the search field, for example *housing benefit*.",
                "Choose the page that fits and press the green button *Apply*.",
                "Log in with MitID and follow the steps. You can always save and go on later.",
            ],
        ),
    },
    "sundhed.dk": {
        "da": (
            "Sådan ser du dine prøvesvar på sundhed.dk",
            [
                "Gå til **sundhed.dk** eller åbn appen *MinSundhed*.",
                "Log ind med MitID.",
                "Vælg *Prøvesvar*. De nyeste står øverst.",
                "Forstår du ikke et svar, så ring til din læge. En frivillig kan ikke tolke prøvesvar.",
            ],
        ),
        "en": (
            "How to see your test results on sundhed.dk",
            [
                "Go to **sundhed.dk** or open the app *MinSundhed*.",
                "Log in with MitID.",
                "Choose *Test results*. The newest are at the top.",
                "If you do not understand a result, call your doctor. A volunteer cannot explain them.",
            ],
        ),
    },
    "Videoopkald med familien": {
        "da": (
            "Sådan ringer du med video",
            [
                "Åbn appen, familien bruger, for eksempel *FaceTime*, *Messenger* eller *WhatsApp*.",
                "Find personen, du vil ringe til, på listen.",
                "Tryk på **kameraet** for at ringe med video.",
                "Hold telefonen foran dig, så de kan se dit ansigt. Tryk på den røde knap for at lægge på.",
            ],
        ),
        "en": (
            "How to make a video call",
            [
                "Open the app your family uses, for example *FaceTime*, *Messenger* or *WhatsApp*.",
                "Find the person you want to call in the list.",
                "Tap the **camera** to call with video.",
                "Hold the phone in front of you, so they see your face. Tap the red button to hang up.",
            ],
        ),
    },
    "Smartphone for begyndere": {
        "da": (
            "De første skridt med en smartphone",
            [
                "Tryk på knappen på siden for at tænde skærmen.",
                "Stryg opad fra bunden af skærmen for at låse op.",
                "Tryk én gang på et billede (en app) for at åbne det.",
                "Stryg opad fra bunden, eller tryk på hjem-knappen, for at komme tilbage til start.",
            ],
        ),
        "en": (
            "First steps with a smartphone",
            [
                "Press the button on the side to turn on the screen.",
                "Swipe up from the bottom of the screen to unlock.",
                "Tap a picture (an app) once to open it.",
                "Swipe up from the bottom, or press the home button, to get back to the start.",
            ],
        ),
    },
}
SUMMARIES = {
    "da": "Trin for trin, med store bogstaver til print.",
    "en": "Step by step, with large print for paper.",
}
#: The history is the same every time the demo is seeded.
SEED = 2026
HELPERS = [
    ("frivillig2@example.org", "Bent Madsen", "Skanderborg"),
    ("frivillig3@example.org", "Lone Holm", "Ry"),
    ("frivillig4@example.org", "Jamal Hassan", "Hørning (8362 Hørning)"),
]
SENIORS = [
    ("senior2@example.org", "Else Nielsen", "Stilling"),
    ("senior3@example.org", "Poul Jensen", "Skanderborg"),
    ("senior4@example.org", "Grethe Sørensen", "Ry"),
    ("senior5@example.org", "Aage Kristensen", "Galten"),
    ("senior6@example.org", "Ruth Pedersen", "Låsby"),
]


@signals.demo_seeded.connect
def seed_helpdesk(municipality, *, users: dict[str, User], spaces: dict[str, Space]) -> None:
    mette, anne, inger = (
        users["kommune@example.org"],
        users["frivillig@example.org"],
        users["senior@example.org"],
    )
    made = {name: topics.save_topic(municipality.id, name=name, summary=summary) for name, summary in TOPICS}
    for topic_name, languages in GUIDES.items():
        for language, (title, steps) in languages.items():
            topics.save_guide(
                made[topic_name],
                title=title,
                summary=SUMMARIES[language],
                steps=[StepInput(s) for s in steps],
                by=mette,
                language=language,
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

    _year_of_history(municipality.id, made=list(made.values()), anne=profile, organiser=mette, senior=inger)


def _year_of_history(
    municipality_id: int, *, made: list[HelpTopic], anne: VolunteerProfile, organiser: User, senior: User
) -> None:
    """Twelve months behind today, so the organisers' overview shows real months: requests matched
    and done (with hours and "how did it go?"), a weekly café with bookings, attendance and answers.
    Written as rows with their past times (the services, rightly, refuse times in the past); the
    same every time (a fixed random seed)."""
    rng = random.Random(SEED)
    helpers = [anne]
    for email, name, home in HELPERS:
        person = create_user(
            email=email, password=secrets.token_urlsafe(16), display_name=name, home=geo.resolve(home)
        )
        profile = volunteers.save_profile(
            person,
            municipality_id,
            topics=rng.sample(made, 3),
            languages=["da"] + (["en", "ar"] if name == "Jamal Hassan" else []),
            modes=[Mode.PHONE, Mode.DROP_IN, Mode.HOME],
            radius_km=15,
            availability="",
            about="",
            paused=False,
        )
        volunteers.set_vetted(profile, by=organiser, vetted=True)
        helpers.append(profile)
    seniors = [senior] + [
        create_user(email=e, password=secrets.token_urlsafe(16), display_name=n, home=geo.resolve(h))
        for e, n, h in SENIORS
    ]
    db.session.flush()
    now = utcnow().replace(minute=0, second=0, microsecond=0)
    for days_ago in range(365, 2, -1):
        if rng.random() > 0.2:  # about one request every five days
            continue
        created = now - timedelta(days=days_ago, hours=rng.randint(0, 8))
        person, helper = rng.choice(seniors), rng.choice(helpers)
        matched = created + timedelta(hours=rng.randint(2, 60))
        agreed = matched + timedelta(days=rng.randint(1, 4))
        mode = rng.choice([Mode.PHONE, Mode.PHONE, Mode.HOME, Mode.DROP_IN])
        request = HelpRequest(
            municipality_id=municipality_id,
            requester_id=person.id,
            filed_by_id=person.id,
            topic_id=rng.choice(made).id,
            mode=mode,
            description="",
            windows=[[agreed.isoformat(), (agreed + timedelta(hours=2)).isoformat()]],
            place_label=person.home_label,
            latitude=person.home_latitude,
            longitude=person.home_longitude,
            status=RequestStatus.DONE,
            matched_at=matched,
            done_at=agreed + timedelta(hours=2),
            created_at=created,
            updated_at=agreed,
        )
        db.session.add(request)
        db.session.flush()
        answered = rng.random() < 0.7
        db.session.add_all(
            [
                Match(
                    request_id=request.id,
                    volunteer_id=helper.id,
                    agreed_at=agreed,
                    reminded_at=agreed - timedelta(days=1),
                    done_at=agreed + timedelta(hours=2),
                    hours=rng.choice([0.5, 1.0, 1.0, 1.5, 2.0]),
                    outcome_asked_at=agreed + timedelta(hours=2),
                    outcome=(Answer.GOOD if rng.random() < 0.85 else Answer.NOT_SO_GOOD)
                    if answered
                    else None,
                    outcome_at=agreed + timedelta(hours=5) if answered else None,
                    created_at=matched,
                    updated_at=agreed,
                ),
                RequestEvent(
                    request_id=request.id,
                    kind=EventKind.ACCEPTED,
                    actor_id=helper.user_id,
                    volunteer_id=helper.id,
                    created_at=matched,
                ),
            ]
        )
    place = geo.resolve("Skanderborg")
    first = now - timedelta(days=364)
    thursday = (first + timedelta(days=(3 - first.weekday()) % 7)).replace(hour=13)
    while thursday < now - timedelta(days=1):
        cafe = DropInSession(
            municipality_id=municipality_id,
            host_id=rng.choice(helpers[:2]).user_id,
            title="IT-café på Skanderborg Bibliotek",
            place_label=place.label,
            latitude=place.lat,
            longitude=place.lon,
            starts_at=thursday,
            ends_at=thursday + timedelta(hours=2),
            seats=6,
            series="demo-history",
            notes="Læsesalen på 1. sal.",
            created_at=thursday - timedelta(days=14),
            updated_at=thursday,
        )
        db.session.add(cafe)
        db.session.flush()
        for guest in rng.sample(seniors, rng.randint(2, 5)):
            came = rng.random() > 0.12
            answered = came and rng.random() < 0.6
            db.session.add(
                Booking(
                    session_id=cafe.id,
                    booked_by_id=guest.id,
                    status=BookingStatus.BOOKED,
                    created_at=thursday - timedelta(days=rng.randint(1, 10)),
                    reminded_at=thursday - timedelta(days=1),
                    attended=came,
                    feedback_asked_at=thursday + timedelta(hours=3) if came else None,
                    feedback=(Answer.GOOD if rng.random() < 0.9 else Answer.NOT_SO_GOOD)
                    if answered
                    else None,
                    feedback_at=thursday + timedelta(hours=6) if answered else None,
                )
            )
        thursday += timedelta(weeks=1)
    db.session.flush()
