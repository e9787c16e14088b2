/**
 * OpenAI's Files API over the media store: each file records the `purpose` it was uploaded for (`user_data`
 * for files that came in any other way, and for every file stored before). The index serves the list filtered
 * by purpose. Shipped migrations are never edited.
 */
export const migration009 = {
  version: 9,
  name: 'file-purpose',
  sql: `
ALTER TABLE media_files ADD COLUMN purpose TEXT NOT NULL DEFAULT 'user_data';
CREATE INDEX media_files_by_user_purpose_created ON media_files(user_id, purpose, created_at, seq);
`,
};
