-- The schema of main before migrations (issue 17), as SQLModel.metadata.create_all emitted it
-- for sqlite (captured with a mock engine). Tests build an old deployment from it.

CREATE TABLE document (
	id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, 
	identity VARCHAR, 
	number VARCHAR, 
	number_key VARCHAR, 
	match_key VARCHAR, 
	doc_type VARCHAR NOT NULL, 
	title VARCHAR NOT NULL, 
	subject TEXT, 
	issuer VARCHAR, 
	parent_issuer VARCHAR, 
	place VARCHAR, 
	issue_date DATE, 
	date_text VARCHAR, 
	year INTEGER, 
	signer VARCHAR, 
	signer_title VARCHAR, 
	recipients JSON, 
	raw JSON, 
	status VARCHAR NOT NULL, 
	superseded_by_id INTEGER, 
	visibility VARCHAR NOT NULL, 
	source_name VARCHAR NOT NULL, 
	sha256 VARCHAR NOT NULL, 
	version INTEGER NOT NULL, 
	text TEXT, 
	created_at DATETIME NOT NULL, 
	updated_at DATETIME NOT NULL, 
	uploaded_by VARCHAR, 
	FOREIGN KEY(superseded_by_id) REFERENCES document (id)
);

CREATE INDEX ix_document_status ON document (status);

CREATE INDEX ix_document_year ON document (year);

CREATE INDEX ix_document_match_key ON document (match_key);

CREATE UNIQUE INDEX ix_document_sha256 ON document (sha256);

CREATE INDEX ix_document_identity ON document (identity);

CREATE INDEX ix_document_number_key ON document (number_key);

CREATE TABLE embedding (
	model VARCHAR NOT NULL, 
	content_hash VARCHAR NOT NULL, 
	vector BLOB NOT NULL, 
	PRIMARY KEY (model, content_hash)
);

CREATE TABLE corpus_state (
	id INTEGER NOT NULL, 
	revision INTEGER NOT NULL, 
	updated_at DATETIME NOT NULL, 
	PRIMARY KEY (id)
);

CREATE TABLE query_log (
	id INTEGER NOT NULL, 
	asked_at DATETIME NOT NULL, 
	question TEXT NOT NULL, 
	channel VARCHAR NOT NULL, 
	user_ref VARCHAR, 
	status VARCHAR NOT NULL, 
	latency_ms FLOAT NOT NULL, 
	mode VARCHAR NOT NULL, 
	top_score FLOAT, 
	cited JSON, 
	PRIMARY KEY (id)
);

CREATE INDEX ix_query_log_status ON query_log (status);

CREATE INDEX ix_query_log_asked_at ON query_log (asked_at);

CREATE TABLE subscription (
	id INTEGER NOT NULL, 
	chat_id INTEGER NOT NULL, 
	topic VARCHAR NOT NULL, 
	created_at DATETIME NOT NULL, 
	PRIMARY KEY (id), 
	UNIQUE (chat_id, topic)
);

CREATE INDEX ix_subscription_chat_id ON subscription (chat_id);

CREATE TABLE outbox (
	id INTEGER NOT NULL, 
	kind VARCHAR NOT NULL, 
	document_id INTEGER, 
	payload JSON, 
	created_at DATETIME NOT NULL, 
	claimed_by VARCHAR, 
	claimed_at DATETIME, 
	processed_at DATETIME, 
	PRIMARY KEY (id)
);

CREATE INDEX ix_outbox_document_id ON outbox (document_id);

CREATE INDEX ix_outbox_processed_at ON outbox (processed_at);

CREATE TABLE audit_log (
	id INTEGER NOT NULL, 
	at DATETIME NOT NULL, 
	actor VARCHAR NOT NULL, 
	action VARCHAR NOT NULL, 
	document_id INTEGER, 
	"before" JSON, 
	"after" JSON, 
	PRIMARY KEY (id)
);

CREATE INDEX ix_audit_log_at ON audit_log (at);

CREATE TABLE document_version (
	id INTEGER NOT NULL, 
	document_id INTEGER NOT NULL, 
	version INTEGER NOT NULL, 
	sha256 VARCHAR NOT NULL, 
	source_name VARCHAR NOT NULL, 
	text TEXT, 
	created_at DATETIME NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(document_id) REFERENCES document (id) ON DELETE CASCADE
);

CREATE INDEX ix_document_version_document_id ON document_version (document_id);

CREATE TABLE passage (
	id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, 
	document_id INTEGER NOT NULL, 
	ordinal INTEGER NOT NULL, 
	section VARCHAR NOT NULL, 
	heading VARCHAR NOT NULL, 
	context TEXT, 
	text TEXT NOT NULL, 
	start INTEGER NOT NULL, 
	"end" INTEGER NOT NULL, 
	content_hash VARCHAR NOT NULL, 
	ref VARCHAR, 
	FOREIGN KEY(document_id) REFERENCES document (id) ON DELETE CASCADE
);

CREATE INDEX ix_passage_document_id ON passage (document_id);

CREATE INDEX ix_passage_ref ON passage (ref);

CREATE INDEX ix_passage_content_hash ON passage (content_hash);

CREATE TABLE reference (
	id INTEGER NOT NULL, 
	document_id INTEGER NOT NULL, 
	relation VARCHAR NOT NULL, 
	"key" VARCHAR NOT NULL, 
	match_key VARCHAR, 
	raw TEXT, 
	ref_type VARCHAR, 
	ref_number VARCHAR, 
	ref_date VARCHAR, 
	ref_issuer VARCHAR, 
	target_id INTEGER, 
	PRIMARY KEY (id), 
	FOREIGN KEY(document_id) REFERENCES document (id) ON DELETE CASCADE, 
	FOREIGN KEY(target_id) REFERENCES document (id) ON DELETE SET NULL
);

CREATE INDEX ix_reference_key ON reference ("key");

CREATE INDEX ix_reference_document_id ON reference (document_id);

CREATE INDEX ix_reference_target_id ON reference (target_id);

CREATE INDEX ix_reference_match_key ON reference (match_key);

CREATE TABLE feedback (
	id INTEGER NOT NULL, 
	query_id INTEGER, 
	user_ref VARCHAR, 
	value INTEGER NOT NULL, 
	comment TEXT, 
	created_at DATETIME NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(query_id) REFERENCES query_log (id) ON DELETE SET NULL
);

CREATE INDEX ix_feedback_query_id ON feedback (query_id);
