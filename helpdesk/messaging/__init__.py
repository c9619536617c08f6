"""Messages in and out: the mail outbox (`outbox`), outbound webhooks (`webhooks`, over
`outbound_http`), the one retry mechanism both use (`delivery`), and what the mail provider posts
back (`inbound`: delivery tracking and replies)."""
