"""What a refused link or post says: each sentence once, and whom to ask by the edition's own mailbox."""
from __future__ import annotations

import requests

from intake_support import ARSUPPFOLJNING, intake_server, open_form, page_text, schools  # noqa: F401


def test_a_post_for_another_school_says_nothing_was_stored_once_and_names_the_mailbox(intake_server, schools):
    session = requests.Session()
    fields = open_form(session, intake_server.link("arsuppfoljning", schools[0]))
    answer = session.post(intake_server.form_url("arsuppfoljning"),
                          data={**fields, **ARSUPPFOLJNING, "skolenhetskod": schools[1]}, timeout=10)
    assert answer.status_code == 403
    text = page_text(answer.text)
    assert text.count("Inget har sparats.") == 1
    assert "Frågor om länkar besvaras av SIP-samordnaren: sip-samordnare@example.se" in text
    assert 'href="mailto:sip-samordnare@example.se"' in answer.text


def test_an_expired_link_names_whom_to_ask(intake_server, schools):
    link = intake_server.link("arsuppfoljning", schools[0], valid_days=-1)
    text = page_text(requests.get(link, timeout=10).text)
    assert "Länken har slutat gälla" in text and "sip-samordnare@example.se" in text
