"""Pull conversations from Intercom's REST API straight into the database (`intercom-sla pull`).

The search (`POST /conversations/search`, updated_at after the cursor, oldest update first, 150 a page)
finds what changed; each changed conversation's full object (`GET /conversations/{id}`, with its parts) is
fetched by a few threads sharing Intercom's rate limit; each page of objects is loaded by the loader, the
same path as API files (every rule, count and reject applies), in one transaction with the cursor.
"""
