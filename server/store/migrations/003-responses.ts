/**
 * Stored responses of the Responses API (`store: true`, the default): the response object as answered and
 * the input items of its request, so `GET /v1/responses/{id}`, `/input_items` and `previous_response_id`
 * work. Shipped migrations are never edited.
 */
export const migration003 = {
  version: 3,
  name: 'responses',
  sql: `
CREATE TABLE responses (
  seq                   INTEGER PRIMARY KEY AUTOINCREMENT,
  id                    TEXT NOT NULL UNIQUE,
  user_id               TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  previous_response_id  TEXT,
  body                  TEXT NOT NULL,
  input_items           TEXT NOT NULL,
  created_at            INTEGER NOT NULL
);
CREATE INDEX responses_by_user ON responses(user_id, created_at, seq);
`,
};
