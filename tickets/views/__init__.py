"""Case pages: `lists` (portal, queue, all cases), `opening` (new case, logged call), `case` (one
case and its actions, attachments), `escalations`, and `sla_targets` (settings)."""
