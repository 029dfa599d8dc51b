"""Builds the hand-over evaluation set for `deskmate eval handover` from the
intent sets: Bitext's requests for a person (contact_human_agent) against
every other message of the Bitext, CLINC150, HWU64 and BANKING77 sets
(Bitext's contact_customer_service, which asks for contact details, is left
out). Usage: python3 tools/handover_set.py DATA/intents > handover.jsonl"""
import glob
import json
import os
import sys

root = sys.argv[1]
for path in sorted(glob.glob(os.path.join(root, "*", "*.jsonl"))):
    bitext = os.path.basename(os.path.dirname(path)) == "bitext"
    with open(path) as f:
        for line in f:
            row = json.loads(line)
            intent = row.get("intent")
            if bitext and intent == "contact_customer_service":
                continue
            handover = bitext and intent == "contact_human_agent"
            print(json.dumps({"text": row["text"], "handover": handover}))
