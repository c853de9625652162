"""Demo data for citizen dialogue, written through the services and then moved back in time: a past Q&A
hour with the mayor (about 70 questions, most answered), an upcoming one, a closed citizen meeting with
its figures, an open consultation on three sites for a recycling station, and ideas in every state."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

import sqlalchemy as sa

from community import geo, signals
from community.accounts.models import User
from community.accounts.services import hash_password
from community.db import utcnow
from community.engagement.models import (
    CitizenMeeting,
    IdeaCategory,
    IdeaState,
    MeetingComment,
    PromiseKind,
    QASession,
    Question,
    QuestionState,
    TrackedItem,
)
from community.engagement.services import consultations, ideas, meetings, promises, qa
from community.engagement.services.consultations import SiteInput
from community.engagement.services.ideas import IdeaInput
from community.extensions import db
from community.i18n import to_utc
from community.spaces import services as spaces
from community.spaces.models import Official, Space

MAYOR = ("borgmester@example.org", "Karen Vestergaard")
POLITICIANS = [
    ("politiker1@example.org", "Søren Kjær"),
    ("politiker2@example.org", "Bodil Skov"),  # not the protected caseworker Birgitte Lund
    ("politiker3@example.org", "Ahmad Rahimi"),
    ("politiker4@example.org", "Lise Thomsen"),
]
FIRST = [
    "Mads",
    "Sofie",
    "Jonas",
    "Ida",
    "Peter",
    "Camilla",
    "Henrik",
    "Maja",
    "Rasmus",
    "Line",
    "Thomas",
    "Emma",
    "Kasper",
    "Julie",
    "Anders",
    "Freja",
    "Mikkel",
    "Laura",
    "Niels",
    "Signe",
]
LAST = ["Andersen", "Pedersen", "Christensen", "Larsen", "Sørensen", "Rasmussen", "Poulsen", "Madsen"]
TOPICS = [
    "vejen ved skolen i {town}",
    "cykelstien mellem {town} og Skanderborg",
    "busforbindelsen fra {town}",
    "daginstitutionerne i {town}",
    "plejehjemmet i {town}",
    "idrætshallen i {town}",
    "biblioteket i {town}",
    "grøftekanterne omkring {town}",
    "affaldssorteringen",
    "de nye boliger i {town}",
    "skolens renovering i {town}",
    "søen ved {town}",
    "byggetilladelser",
    "lyset på stien i {town}",
    "hundeskoven ved {town}",
]
ASKS = [
    "Hvornår sker der noget med {topic}?",
    "Hvad er planen for {topic}?",
    "Hvorfor tager det så lang tid med {topic}?",
    "Kan kommunen love, at {topic} bliver prioriteret i budgettet?",
    "Hvem kan jeg tale med om {topic}?",
]
TOWNS = ["Stilling", "Hørning", "Ry", "Galten", "Låsby", "Skovby", "Virring", "Fruering"]
ANSWER = (
    "Tak for spørgsmålet. {topic_cap} står på byrådets plan for næste år, og forvaltningen vender tilbage "
    "med en tidsplan inden sommerferien. Følg med på kommunens hjemmeside."
)
IDEAS = [
    (
        IdeaState.NEW,
        IdeaCategory.NATURE,
        "Shelter ved Stilling-Solbjerg Sø",
        "Et shelter og en bålplads ved stien langs søen, så familier og spejdere kan overnatte.",
    ),
    (
        IdeaState.NEW,
        IdeaCategory.TRAFFIC,
        "Fodgængerfelt ved Hørning Skole",
        "Børnene krydser Vestergade hver morgen uden fodgængerfelt. Det er farligt.",
    ),
    (
        IdeaState.NEW,
        IdeaCategory.CULTURE,
        "Sommerkoncerter i Anlægget",
        "Gratis koncerter med lokale bands fire torsdage hen over sommeren.",
    ),
    (
        IdeaState.NEW,
        IdeaCategory.CHILDREN,
        "Skaterbane i Galten",
        "De unge mangler et sted at mødes. En lille skaterbane ved hallen.",
    ),
    (
        IdeaState.NEW,
        IdeaCategory.ELDERLY,
        "Bænke langs stien til Ry Mølle",
        "Flere bænke, så ældre kan gå turen med pauser.",
    ),
    (
        IdeaState.NEW,
        IdeaCategory.SPORT,
        "Udendørs fitness ved Låsby",
        "Træningsredskaber ved legepladsen, til både unge og ældre.",
    ),
    (
        IdeaState.NEW,
        IdeaCategory.CLIMATE,
        "Solceller på kommunens tage",
        "Alle kommunens bygninger med egnede tage får solceller.",
    ),
    (
        IdeaState.NEW,
        IdeaCategory.OTHER,
        "Byttestation for værktøj",
        "Et skur, hvor man kan låne og bytte værktøj med naboerne.",
    ),
    (
        IdeaState.NEW,
        IdeaCategory.NATURE,
        "Vild med vilje i grøftekanterne",
        "Lad grøftekanterne blomstre og slå dem kun én gang om året.",
    ),
    (
        IdeaState.NEW,
        IdeaCategory.TRAFFIC,
        "Cykelparkering ved Skanderborg Station",
        "Overdækket cykelparkering med plads til ladcykler.",
    ),
    (
        IdeaState.CONSIDERING,
        IdeaCategory.TRAFFIC,
        "Cykelsti mellem Stilling og Skanderborg",
        "En sikker cykelsti hele vejen, så børn kan cykle i skole.",
    ),
    (
        IdeaState.CONSIDERING,
        IdeaCategory.CULTURE,
        "Forsamlingshuset i Fruering",
        "Kommunen hjælper med at renovere forsamlingshuset, så det kan bruges igen.",
    ),
    (
        IdeaState.CONSIDERING,
        IdeaCategory.CHILDREN,
        "Legeplads med plads til kørestole",
        "En legeplads, hvor børn i kørestol også kan lege med.",
    ),
    (
        IdeaState.CONSIDERING,
        IdeaCategory.ELDERLY,
        "Spisefællesskab for ældre",
        "Fællesspisning en gang om ugen i hver landsby.",
    ),
    (
        IdeaState.CONSIDERING,
        IdeaCategory.NATURE,
        "Flere skraldespande ved søerne",
        "Om sommeren flyder skraldet ved badestederne.",
    ),
    (
        IdeaState.CONSIDERING,
        IdeaCategory.SPORT,
        "Lys på kunstgræsbanen",
        "Så klubberne også kan træne om vinteren efter kl. 16.",
    ),
    (
        IdeaState.CONSIDERING,
        IdeaCategory.CLIMATE,
        "Delebiler i landsbyerne",
        "Elektriske delebiler ved forsamlingshusene.",
    ),
    (
        IdeaState.CONSIDERING,
        IdeaCategory.OTHER,
        "Borgerservice om lørdagen",
        "Åbent en lørdag om måneden for dem, der arbejder.",
    ),
    (
        IdeaState.ACCEPTED,
        IdeaCategory.TRAFFIC,
        "Hastighedsdæmpning i Virring",
        "Bump eller chikaner på hovedgaden gennem byen.",
    ),
    (
        IdeaState.ACCEPTED,
        IdeaCategory.NATURE,
        "Træer langs Adelgade",
        "Plant træer, der giver skygge og fugleliv.",
    ),
    (
        IdeaState.ACCEPTED,
        IdeaCategory.CULTURE,
        "Bogbytteskabe i landsbyerne",
        "Små skabe, hvor man kan sætte en bog og tage en.",
    ),
    (
        IdeaState.ACCEPTED,
        IdeaCategory.CHILDREN,
        "Ungdomsklub i Ry",
        "Et sted for de 13-17-årige to aftener om ugen.",
    ),
    (
        IdeaState.ACCEPTED,
        IdeaCategory.SPORT,
        "Motionssti rundt om Galten",
        "En afmærket løbe- og gåsti på 5 km.",
    ),
    (
        IdeaState.ACCEPTED,
        IdeaCategory.CLIMATE,
        "Regnvandsbede i stedet for kloak",
        "Regnvand fra vejene ledes til bede med planter.",
    ),
    (
        IdeaState.REJECTED,
        IdeaCategory.TRAFFIC,
        "Gratis parkering i hele midtbyen",
        "Fjern alle parkeringsafgifter i Skanderborg midtby.",
    ),
    (
        IdeaState.REJECTED,
        IdeaCategory.OTHER,
        "Kommunalt bryggeri",
        "Kommunen starter sit eget bryggeri med lokal humle.",
    ),
    (
        IdeaState.REJECTED,
        IdeaCategory.SPORT,
        "Svømmehal i hver landsby",
        "Alle landsbyer får deres egen svømmehal.",
    ),
    (
        IdeaState.REJECTED,
        IdeaCategory.CULTURE,
        "Byfest med fyrværkeri hver måned",
        "Fyrværkeri den første lørdag i hver måned.",
    ),
    (
        IdeaState.REJECTED,
        IdeaCategory.NATURE,
        "Fodre svanerne om vinteren",
        "Kommunen sætter foderautomater op ved søerne.",
    ),
    (
        IdeaState.DONE,
        IdeaCategory.NATURE,
        "Hundeskov i Hørning",
        "Et indhegnet område, hvor hunde kan løbe frit.",
    ),
    (
        IdeaState.DONE,
        IdeaCategory.TRAFFIC,
        "Lys på stien til Stilling Skole",
        "Stien er helt mørk om vinteren.",
    ),
    (
        IdeaState.DONE,
        IdeaCategory.CULTURE,
        "Gratis wifi på biblioteket i Låsby",
        "Så alle kan bruge nettet uden at betale.",
    ),
    (
        IdeaState.DONE,
        IdeaCategory.ELDERLY,
        "Gelændere på trappen ved kirken",
        "Mange ældre har svært ved trappen.",
    ),
    (
        IdeaState.DONE,
        IdeaCategory.CHILDREN,
        "Vand på legepladsen i Ry",
        "En vandpost, så børnene kan drikke om sommeren.",
    ),
]
RESPONSES = {
    IdeaState.CONSIDERING: "Tak for idéen. Forvaltningen undersøger nu, hvad det vil koste, "
    "og vender tilbage.",
    IdeaState.ACCEPTED: "Byrådet har vedtaget idéen og afsat penge i budgettet. Arbejdet går i gang i år.",
    IdeaState.REJECTED: "Idéen er desværre for dyr i forhold til budgettet, "
    "og byrådet har valgt andre projekter.",
    IdeaState.DONE: "Det er nu gjort. Tak for idéen!",
}


def _citizens(count: int, password: str) -> list[User]:
    """Demo citizens who ask, vote and support, sharing one password hash (faelled-demo)."""
    people = []
    now = utcnow()
    for i in range(count):
        name = f"{FIRST[i % len(FIRST)]} {LAST[(i * 3) % len(LAST)]}"
        user = User(
            email=f"borger{i + 1:02d}@example.org",
            password_hash=password,
            display_name=name,
            confirmed_at=now,
            email_notifications=False,
            home_label=TOWNS[i % len(TOWNS)],
        )
        db.session.add(user)
        people.append(user)
    db.session.flush()
    return people


def _official(email: str, name: str, spaces_made: dict[str, Space], password: str) -> User:
    place = geo.resolve("Skanderborg")
    user = User(
        email=email,
        password_hash=password,
        display_name=name,
        confirmed_at=utcnow(),
        home_label=place.label,
        home_latitude=place.lat,
        home_longitude=place.lon,
    )
    db.session.add(user)
    db.session.flush()
    for slug in ("stilling", "hoerning", "ry", "galten", "laasby"):
        spaces.add_member(spaces_made[slug], user, official=Official.POLITICIAN)
    return user


def _shift_session(session: QASession, delta: timedelta) -> None:
    session.opens_at -= delta
    session.starts_at -= delta
    session.ends_at -= delta
    for q in db.session.scalars(sa.select(Question).where(Question.session_id == session.id)):
        q.created_at -= delta
        if q.published_at:
            q.published_at -= delta
        if q.answered_at:
            q.answered_at -= delta
        item = promises.tracked(PromiseKind.QUESTION, q.id)
        if item is not None:
            promises.retime(item, started_at=item.started_at - delta, answered_at=q.answered_at)
    db.session.flush()


def _local(days: int, hour: int) -> datetime:
    day = (utcnow() + timedelta(days=days)).date()
    return to_utc(datetime(day.year, day.month, day.day, hour, 0))


def _past_qa(municipality, mayor: User, staff: User, citizens: list[User], rng: random.Random) -> QASession:
    now = utcnow()
    session = qa.create_session(
        municipality,
        qa.SessionInput(
            title="Digital spørgetime med borgmesteren",
            description="Borgmester Karen Vestergaard svarer på dine spørgsmål om alt fra veje til skoler. "
            "Spørg og stem på de spørgsmål, du gerne vil have svar på.",
            starts_at=now - timedelta(minutes=5),
            ends_at=now + timedelta(minutes=55),
            host_ids=[mayor.id],
            open_hours_before=48,
            helper_emails=[staff.email],
        ),
        by=staff,
    )
    asked: list[Question] = []
    for n in range(72):
        town = TOWNS[n % len(TOWNS)]
        topic = TOPICS[(n * 7) % len(TOPICS)].format(town=town)
        body = ASKS[n % len(ASKS)].format(topic=topic)
        asked.append(qa.ask(session, body=body, anonymous=n % 9 == 0, by=citizens[n % len(citizens)]))
    for question in asked:
        for voter in rng.sample(citizens, k=rng.randint(0, 18)):
            qa.vote(question, by=voter)
    hidden = asked[10:13]
    qa.hide(hidden[0], reason="Handler om en personlig sag. Skriv til kommunen i Digital Post.", by=staff)
    qa.hide(hidden[1], reason="Stødende sprog.", by=staff)
    qa.hide(hidden[2], reason="Spørgsmålet er stillet to gange.", by=staff)
    qa.merge(asked[20], into_id=asked[6].id, by=staff)
    qa.merge(asked[21], into_id=asked[7].id, by=staff)
    open_ones = [q for q in asked if q.state == QuestionState.PUBLISHED]
    open_ones.sort(key=lambda q: -q.vote_count)
    for q in open_ones[:59]:
        qa.mark_answering(q, by=staff)
        topic = q.body.split(" med ", 1)[-1].split(" for ", 1)[-1].rstrip("?")
        qa.answer(q, text=ANSWER.format(topic_cap=topic[:1].upper() + topic[1:]), by=mayor)
    _shift_session(session, timedelta(days=23))
    return session


def _upcoming_qa(municipality, mayor: User, staff: User, citizens: list[User]) -> QASession:
    start = _local(3, 19)
    session = qa.create_session(
        municipality,
        qa.SessionInput(
            title="Spørgetime: budget for det næste år",
            description="Borgmesteren og udvalgsformændene svarer på spørgsmål om næste års budget.",
            starts_at=start,
            ends_at=start + timedelta(hours=1),
            host_ids=[mayor.id],
            open_hours_before=96,
            premoderated=True,
            helper_emails=[staff.email],
        ),
        by=staff,
    )
    for text, who in (
        ("Bliver der skåret i bustrafikken til landsbyerne?", citizens[0]),
        ("Hvad betyder budgettet for skolerne i Ry?", citizens[1]),
        ("Får ældreplejen flere hænder næste år?", citizens[2]),
    ):
        question = qa.ask(session, body=text, anonymous=False, by=who)
        qa.publish(question, by=staff)
    qa.ask(
        session,
        body="Hvorfor er min ansøgning om boligstøtte ikke behandlet?",
        anonymous=True,
        by=citizens[3],
    )
    return session


def _meeting(municipality, staff: User, politicians: list[User], citizens: list[User], rng) -> CitizenMeeting:
    now = utcnow()
    meeting = meetings.create_meeting(
        municipality,
        by=staff,
        title="Digitalt borgermøde: Fremtidens Ry",
        description="Efter fire fysiske borgermøder fortsætter vi debatten her. "
        "Byrådets politikere deltager hele aftenen.",
        opens_at=now - timedelta(hours=1),
        closes_at=now + timedelta(hours=3),
        topics=[
            ("Trafik og parkering", "Skal der være færre biler i midtbyen?"),
            ("Nye boliger", "Hvor skal Ry vokse, og hvilke boliger mangler?"),
            ("Natur og søerne", "Hvordan passer vi på søerne og stierne?"),
        ],
    )
    lines = [
        "Der mangler parkering ved stationen om morgenen.",
        "Gør midtbyen til gågade om sommeren.",
        "Vi har brug for flere små boliger til unge og ældre.",
        "Byg ikke på de grønne områder ved søen.",
        "Stierne langs Gudenåen trænger til vedligehold.",
        "Flere cykelstativer ved skolen, tak.",
        "Husk bussen til landsbyerne, når I planlægger.",
        "Lav en sti hele vejen rundt om Birksø.",
    ]
    answers = [
        "Tak for input. Vi tager parkeringen med i den nye trafikplan.",
        "Det er et godt forslag, som vi vil drøfte i udvalget.",
        "Jeg er enig: de grønne områder skal bevares.",
    ]
    threads: list[MeetingComment] = []
    for n in range(44):
        topic = meeting.topics[n % 3]
        threads.append(
            meetings.comment(meeting, topic, body=lines[n % len(lines)], by=citizens[(n * 5) % 22])
        )
    for n, politician in enumerate([*politicians, staff]):
        for k in range(3):
            parent = threads[(n * 3 + k) * 2]
            meetings.comment(meeting, parent.topic, body=answers[k], by=politician, parent_id=parent.id)
    for k in range(8):
        parent = threads[k * 5]
        meetings.comment(
            meeting,
            parent.topic,
            body="Enig, det vil gøre en stor forskel.",
            by=citizens[30 + k],
            parent_id=parent.id,
        )
    delta = timedelta(days=16)
    meeting.opens_at -= delta
    meeting.closes_at -= delta
    for c in db.session.scalars(sa.select(MeetingComment).where(MeetingComment.meeting_id == meeting.id)):
        c.created_at -= delta
    db.session.flush()
    meetings.write_summary(
        meeting,
        text="Aftenen samlede mange forslag. **Trafik**: ønske om bedre parkering ved stationen "
        "og en gågade om "
        "sommeren. **Boliger**: flere små boliger, men ikke på de grønne områder. **Natur**: stierne skal "
        "vedligeholdes. Forslagene indgår i kommuneplanen, som sendes i høring til efteråret.",
        by=staff,
    )
    return meeting


def _consultation(municipality, staff: User, citizens: list[User], rng: random.Random):
    consultation = consultations.create_consultation(
        municipality,
        by=staff,
        title="Hvor skal den nye genbrugsplads ved Ry ligge?",
        description="Genbrugspladsen i Ry er for lille. Byrådet skal vælge mellem tre placeringer. "
        "Sig din mening om hver af dem, kommentér, eller foreslå et bedre sted.\n\n"
        "Byrådet træffer beslutningen efter fristen, og alle, der har deltaget, får besked.",
        deadline=utcnow() + timedelta(days=14),
        documents=[
            ("Dagsorden fra Teknisk Udvalg", "https://www.skanderborg.dk/"),
            ("Kort over placeringerne", "https://www.skanderborg.dk/"),
        ],
        sites=[
            SiteInput(
                "Nord for Ry ved omfartsvejen",
                56.1035,
                9.7650,
                "Ry Nord",
                "Let adgang fra omfartsvejen, langt fra boliger.",
            ),
            SiteInput(
                "Erhvervsområdet ved Klostervej", 56.0950, 9.7830, "Ry Øst", "Kommunen ejer allerede grunden."
            ),
            SiteInput("Ved Gl. Rye", 56.0720, 9.7470, "Gl. Rye", "Tæt på landsbyerne syd for Ry."),
        ],
    )
    sites = consultations.candidates(consultation)
    for person in citizens[:16]:
        consultations.set_preferences(
            consultation, {s.id: rng.choice([1, 1, 0, -1]) for s in sites}, by=person
        )
    consultations.comment(sites[0], body="Godt valg: lastbilerne skal ikke gennem byen.", by=citizens[2])
    consultations.comment(sites[2], body="Alt for tæt på skoven og stierne.", by=citizens[5])
    consultations.propose_site(
        consultation,
        SiteInput("Den gamle grusgrav ved Alling", 56.1150, 9.7350, "Alling", "Allerede et industriområde."),
        by=citizens[7],
    )
    return consultation


def _ideas(municipality, staff: User, author: User, citizens: list[User], rng: random.Random) -> None:
    threshold = promises.idea_threshold(municipality.id)
    now = utcnow()
    made = []
    for n, (state, category, title, body) in enumerate(IDEAS):
        idea = ideas.submit(
            municipality,
            IdeaInput(title=title, body=body, category=category),
            by=author if n == 0 else citizens[(n * 3) % len(citizens)],
        )
        made.append((idea, state))
    for n, (idea, state) in enumerate(made):
        if n == 0:
            count = threshold - 1  # one more supporter tips it: the journey in the issue
        elif state == IdeaState.NEW:
            count = rng.randint(0, threshold - 2)
        else:
            count = rng.randint(threshold, threshold + 25)
        for person in citizens[:count]:
            ideas.support(idea, by=person)
        for k in range(n % 4):
            ideas.comment(idea, body="God idé, den støtter jeg.", by=citizens[(n + k) % len(citizens)])
    for n, (idea, state) in enumerate(made):
        path = {
            IdeaState.CONSIDERING: [IdeaState.CONSIDERING],
            IdeaState.ACCEPTED: [IdeaState.CONSIDERING, IdeaState.ACCEPTED],
            IdeaState.REJECTED: [IdeaState.CONSIDERING, IdeaState.REJECTED],
            IdeaState.DONE: [IdeaState.CONSIDERING, IdeaState.ACCEPTED, IdeaState.DONE],
        }.get(state, [])
        for step in path:
            ideas.respond(idea, to_state=step, text=RESPONSES[step], by=staff)
        age = timedelta(days=10 + 6 * n)
        idea.created_at = now - age
        item = promises.tracked(PromiseKind.IDEA, idea.id)
        if item is not None:
            started = now - age + timedelta(days=4)
            answered = None if not path else started + timedelta(days=rng.choice([5, 9, 14, 20, 34]))
            promises.retime(item, started_at=started, answered_at=answered)
            idea.threshold_reached_at = started
    duplicate = ideas.submit(
        municipality,
        IdeaInput(
            title="Cykelsti til Skanderborg fra Stilling",
            body="Vi mangler en cykelsti.",
            category=IdeaCategory.TRAFFIC,
        ),
        by=citizens[11],
    )
    ideas.merge(
        duplicate,
        into_id=made[10][0].id,
        text="Samme idé som cykelstien mellem Stilling og Skanderborg.",
        by=staff,
    )
    db.session.flush()


@signals.demo_seeded.connect
def seed_engagement(municipality, *, users: dict[str, User], spaces: dict[str, Space]) -> None:
    rng = random.Random(11)
    staff = users["kommune@example.org"]
    password = hash_password("faelled-demo")  # once: hashing is slow by design
    mayor = _official(*MAYOR, spaces, password)
    politicians = [_official(email, name, spaces, password) for email, name in POLITICIANS]
    citizens = _citizens(40, password)
    promises.save_settings(
        municipality.id,
        by=staff,
        idea_threshold=10,
        area_km=25,
        promises={
            PromiseKind.QUESTION: (2, True),
            PromiseKind.IDEA: (20, True),
            PromiseKind.FAULT: (5, True),
        },
    )
    _past_qa(municipality, mayor, staff, citizens, rng)
    _upcoming_qa(municipality, mayor, staff, citizens)
    _meeting(municipality, staff, [mayor, *politicians], citizens, rng)
    _consultation(municipality, staff, [users["borger@example.org"], *citizens], rng)
    _ideas(municipality, staff, users["borger@example.org"], citizens, rng)
    db.session.execute(
        sa.update(TrackedItem)
        .where(TrackedItem.due_at < utcnow(), TrackedItem.answered_at.is_(None))
        .values(escalated_at=utcnow())
    )
    db.session.flush()
