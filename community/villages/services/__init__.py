"""Village services, one module per subject: posts and feeds, comments, help, conversations, search,
events, polls. They flush, notify and raise DomainError; the views commit."""
