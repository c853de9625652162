"""Demo posts for the villages: a living feed in each, written through the services."""

from __future__ import annotations

from datetime import timedelta

from community import geo, signals
from community.accounts.models import User
from community.db import utcnow
from community.extensions import db
from community.spaces.models import Space
from community.villages.models import HelpCategory, PostKind, Rsvp
from community.villages.services import comments, events, help, polls, posts
from community.villages.services.posts import PostInput


@signals.demo_seeded.connect
def seed_villages(_municipality, *, users: dict[str, User], spaces: dict[str, Space]) -> None:
    jens, hanne = users["borger@example.org"], users["stilling@example.org"]
    lars, anne = users["klub@example.org"], users["frivillig@example.org"]
    mette, inger = users["kommune@example.org"], users["senior@example.org"]
    stilling, hoerning = spaces["stilling"], spaces["hoerning"]
    now = utcnow()

    def write(space: Space, by: User, kind: PostKind, title: str, body: str, **extra):
        post = posts.create_post(space, by=by, data=PostInput(kind=kind, title=title, body=body, **extra))
        db.session.flush()
        return post

    news = write(
        stilling,
        mette,
        PostKind.NEWS,
        "Ny sti langs Stilling-Solbjerg Sø",
        "Kommunen anlægger i foråret en **grussti** langs søen. Arbejdet begynder i april og "
        "forventes færdigt til sommerferien.\n\nSkriv gerne her, hvis I har ønsker til bænke.",
        tags=["sti", "søen"],
    )
    posts.set_pinned(news, stilling, pinned=True, by=hanne)
    comments.add_comment(news, stilling, by=jens, body="Dejligt! En bænk ved badebroen ville være fin.")

    q1 = write(
        stilling,
        jens,
        PostKind.QUESTION,
        "Hvornår bliver græsset slået på boldbanen?",
        "Græsset er ved at være højt på den lille bane ved skolen. Ved nogen, hvornår det bliver slået?",
        tags=["græs", "boldbane"],
    )
    answer = comments.add_comment(
        q1, stilling, by=lars, body="Grønne Områder slår græs hver fredag formiddag fra april til oktober."
    )
    comments.accept_answer(q1, stilling, comment_id=answer.id, by=jens)
    comments.add_comment(q1, stilling, by=jens, body="Tak, Lars!", parent_id=answer.id)

    write(
        stilling,
        anne,
        PostKind.QUESTION,
        "Er der nogen, der har en trailer, jeg må låne?",
        "Jeg skal køre haveaffald på genbrugspladsen lørdag. Betaler gerne med kage.",
        tags=["trailer", "have"],
    )

    event = write(
        stilling,
        hanne,
        PostKind.EVENT,
        "Loppemarked i forsamlingshuset",
        "Tag naboer og gamle skatte med. Kaffe og kage i pausen.",
        starts_at=now + timedelta(days=9, hours=2),
        ends_at=now + timedelta(days=9, hours=6),
        capacity=40,
        place=geo.resolve("Stilling"),
        tags=["loppemarked"],
    )
    events.rsvp(event, stilling, by=jens, status=Rsvp.GOING)
    events.rsvp(event, stilling, by=anne, status=Rsvp.MAYBE)

    poll = write(
        stilling,
        hanne,
        PostKind.POLL,
        "Hvor skal den nye legeplads ligge?",
        "Landsbyrådet har fået penge til en legeplads. Hvor synes I, den skal ligge?",
        poll_options=["Ved skolen", "Ved søen", "Ved forsamlingshuset"],
        poll_closes_at=now + timedelta(days=14),
    )
    polls.vote(poll, stilling, by=jens, option_ids=[poll.options[1].id])

    request = write(
        stilling,
        jens,
        PostKind.HELP_REQUEST,
        "Kørsel til lægen i Skanderborg tirsdag",
        "Min bil er på værksted. Er der nogen, der kører til Skanderborg tirsdag formiddag?",
        help_category=HelpCategory.TRANSPORT,
        help_when="Tirsdag kl. 9-11",
    )
    help.respond(request, stilling, by=anne, message="Jeg skal alligevel derind. Jeg kan hente dig kl. 9.")

    write(
        stilling,
        anne,
        PostKind.HELP_OFFER,
        "Hjælp til Digital Post og MitID",
        "Jeg hjælper gerne naboer, der har svært ved Digital Post eller MitID-appen. Ring eller skriv.",
        help_category=HelpCategory.DIGITAL,
        help_when="Hverdage efter kl. 16",
    )
    write(
        stilling,
        lars,
        PostKind.HELP_OFFER,
        "Udlån af hækkeklipper",
        "Min el-hækkeklipper står mest stille. Lån den gerne.",
        help_category=HelpCategory.TOOLS,
    )

    done = write(
        hoerning,
        inger,
        PostKind.HELP_REQUEST,
        "Hjælp til at bære indkøb op",
        "Jeg bor på 2. sal, og det er tungt med indkøbsposerne om fredagen.",
        help_category=HelpCategory.SHOPPING,
        help_when="Fredag eftermiddag",
    )
    help.respond(done, hoerning, by=jens, message="Jeg kommer forbi på fredag, når jeg alligevel handler.")
    help.resolve(done, hoerning, by=inger, helper_id=jens.id)
    write(
        hoerning,
        inger,
        PostKind.HELP_REQUEST,
        "Selskab til gåtur",
        "Jeg vil gerne gå en tur ved Hørning Station en gang om ugen, men ikke alene.",
        help_category=HelpCategory.COMPANY,
        help_when="Onsdage",
    )
    write(
        hoerning,
        mette,
        PostKind.DISCUSSION,
        "Ideer til Hørnings bytorv",
        "Hvad mangler der på torvet? Bænke, træer, en kaffebar?",
        tags=["bytorv"],
    )
    for slug, who, title, body in (
        ("ry", mette, "Gudenåen: kanoer og oprydning", "Vi rydder op ved åen lørdag. Hvem er med?"),
        ("galten", mette, "Fællesspisning i Galten", "Første torsdag i måneden spiser vi sammen i hallen."),
        ("laasby", mette, "Låsby Marked", "Markedet er tilbage i august. Vi søger frivillige til boderne."),
    ):
        write(spaces[slug], who, PostKind.DISCUSSION, title, body)
