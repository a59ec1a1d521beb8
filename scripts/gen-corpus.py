#!/usr/bin/env python3
"""Writes a realistic corpus of Texter manifests for the benchmarks.

    scripts/gen-corpus.py DIR COUNT

Each manifest (about 1.7 KB) has two tokens and uses every way of writing a reference: endpoint
names in any case, `METHOD /path` templates, concrete paths, full URLs with query strings,
long-form entries with reasons, comments, inline `# tokenscope: ignore[...]` comments and
`ignore:` blocks (with and without a reason), and the mistakes people make (typos, scopes
nothing needs, missing scopes, duplicates, ambiguous paths), so that it draws about fifteen
findings (notes included). Manifests go 100 to a directory. The output depends only on COUNT (a fixed seed).
"""

import os
import random
import sys

ENDPOINTS = [
    # (name, method, template, concrete path, scope)
    ("Search Chats", "GET", "/chats/search", "/chats/search?search=9725", "List all chats"),
    ("Get Chat by Chat ID", "GET", "/chats/{chatId}", "/chats/64f0c2a9e1", "Send session message"),
    ("Resolve Chat", "POST", "/chats/{chatId}/resolve", "/chats/64f0c2a9e1/resolve", "Manage all chats"),
    ("Update CRM Data", "POST", "/chats/{chatId}/crm-data", "/chats/5c1e0b/crm-data", "Manage all chats"),
    ("Assign Chat", "POST", "/chats/assign", "/chats/assign", "Manage all chats"),
    ("Get Messages of a Chat", "GET", "/messages/chat/{chatId}", "/messages/chat/64f0c2a9e1", "View all chats"),
    ("Send a Message to Chat", "POST", "/messages/send/{chatId}", "/messages/send/77aa12", "Send session message"),
    ("List All Templates", "GET", "/whatsapp/templates", "/whatsapp/templates?limit=50", "View template messages"),
    ("Send Template Message", "POST", "/whatsapp/templates/send", "/whatsapp/templates/send", "Send template messages"),
    ("Create Label", "POST", "/labels", "/labels", "Manage labels"),
    ("Get Existing Quick Replies", "GET", "/quick-replies", "/quick-replies", "View quick replies"),
    ("Create Quick Reply", "POST", "/quick-replies", "/quick-replies", "Manage quick replies"),
    ("Generate Public Media URL", "POST", "/files/share/{fileId}", "/files/share/f-1234", "View all files"),
]
SCOPE_IDS = {
    "List all chats": "list-all-chats",
    "Send session message": "send-session-message",
    "Manage all chats": "manage-all-chats",
    "View all chats": "view-all-chats",
    "View template messages": "view-template-messages",
    "Send template messages": "send-template-messages",
    "Manage labels": "manage-labels",
    "View quick replies": "view-quick-replies",
    "Manage quick replies": "manage-quick-replies",
    "View all files": "view-all-files",
    "Manage channels": "manage-channels",
}
TYPOS = ["Send Session Messages", "Manage Template Messages", "View all chat", "manage labels!"]
HOSTS = ["acme.texterchat.com", "eu.texterchat.com", "shop-7.texterchat.com"]
TEAMS = ["crm", "support", "growth", "billing", "ops", "data"]
REASONS = [
    "copy each conversation into the CRM timeline",
    "agents hand chats over from the bot",
    "the nightly export reads every message",
    "kept for the Q3 template picker",
]


def reference(rng, ep):
    name, method, template, concrete, _ = ep
    style = rng.randrange(6)
    if style == 0:
        return name
    if style == 1:
        return name.lower()
    if style == 2:
        return f"{method} {template}"
    if style == 3:
        return f"{method.lower()} {concrete}"
    if style == 4:
        return f"{method} https://{rng.choice(HOSTS)}/server/api/v2{concrete}"
    return f"{method} /server/api/v2{template}"


def token(rng, name, lines):
    eps = rng.sample(ENDPOINTS, rng.randint(3, 5))
    needed = sorted({ep[4] for ep in eps})
    held = [s for s in needed if rng.random() > 0.2]  # a missing scope now and then
    held += rng.sample(sorted(set(SCOPE_IDS) - set(needed)), 1)  # a scope nothing needs
    lines.append(f"  {name}:")
    lines.append("    # scopes ticked in Texter's token dialog")
    lines.append("    scopes:")
    for i, scope in enumerate(held):
        if i == 0:
            lines.append(f"      - scope: {scope}")
            lines.append(f"        reason: {rng.choice(REASONS)}")
        elif i == 1:
            lines.append(f"      - {SCOPE_IDS[scope]}")
        elif i == len(held) - 1:
            lines.append(f"      - {scope}   # tokenscope: ignore[excess-scope] {rng.choice(REASONS)}")
        else:
            lines.append(f"      - {scope}")
    if rng.random() < 0.5:
        lines.append(f"      - {rng.choice(TYPOS)}   # a near miss")
    if held:
        lines.append(f"      - {held[-1]}")  # listed twice
    lines.append("    endpoints:")
    for i, ep in enumerate(eps):
        ref = reference(rng, ep)
        if i == 0:
            lines.append(f"      - endpoint: {ref}")
            lines.append(f"        reason: {rng.choice(REASONS)}")
        else:
            lines.append(f"      - {ref}")
    lines.append("      - /labels   # GET or POST?")
    if rng.random() < 0.5:
        lines.append("      - Close Chat   # no such endpoint")
    lines.append("    ignore:")
    lines.append("      - rule: high-risk-scope")
    lines.append("        scope: Manage all chats")
    if rng.random() < 0.5:
        lines.append(f"        reason: {rng.choice(REASONS)}")


def manifest(rng, n):
    team = rng.choice(TEAMS)
    lines = [
        f"# {team} integration #{n}: generated for benchmarks, with mistakes on purpose.",
        f"integration: {team}-sync-{n}",
        f"owner: team-{team}",
        "tokens:",
    ]
    token(rng, f"{team}-{n}-prod", lines)
    token(rng, f"{team}-{n}-reports", lines)
    return "\n".join(lines) + "\n"


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: gen-corpus.py DIR COUNT")
    out, count = sys.argv[1], int(sys.argv[2])
    rng = random.Random(20261125)
    for n in range(count):
        d = os.path.join(out, f"team{n // 100}")
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, f"svc{n % 100}.tokenscope.yaml"), "w") as f:
            f.write(manifest(rng, n))


if __name__ == "__main__":
    main()
