-- An Odoo-like database: many2many tables with a UNIQUE pair and no primary
-- key (databases born before Odoo 13), unowned sequences for document
-- numbers, TOASTed text and bytea, json, timestamptz, a trigger, a foreign
-- key. :rows partners.
CREATE TABLE res_partner (
    id serial PRIMARY KEY,
    name varchar NOT NULL,
    email varchar,
    comment text,
    credit_limit double precision,
    create_date timestamptz NOT NULL DEFAULT now(),
    write_date timestamp,
    active boolean DEFAULT true
);
CREATE TABLE res_groups (id serial PRIMARY KEY, name jsonb NOT NULL);
CREATE TABLE res_groups_users_rel (gid integer NOT NULL REFERENCES res_groups(id) ON DELETE CASCADE,
                                   uid integer NOT NULL REFERENCES res_partner(id) ON DELETE CASCADE,
                                   UNIQUE (gid, uid));
CREATE INDEX ON res_groups_users_rel (uid);
CREATE TABLE ir_attachment (
    id serial PRIMARY KEY,
    res_model varchar,
    res_id integer,
    store_fname varchar,
    checksum varchar(40),
    db_datas bytea,
    index_content text,
    mimetype varchar,
    file_size integer GENERATED ALWAYS AS (octet_length(db_datas)) STORED
);
CREATE TABLE account_move (
    id serial PRIMARY KEY,
    name varchar NOT NULL,
    partner_id integer REFERENCES res_partner(id),
    amount numeric(16, 2),
    date date,
    state varchar DEFAULT 'draft',
    payload json
);
CREATE SEQUENCE ir_sequence_001 INCREMENT 1 START 1;
CREATE SEQUENCE ir_sequence_002 INCREMENT 1 START 100;
CREATE FUNCTION account_move_name() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.name = '/' THEN
        NEW.name := 'INV/' || lpad(nextval('ir_sequence_001')::text, 6, '0');
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER account_move_name BEFORE INSERT ON account_move FOR EACH ROW EXECUTE FUNCTION account_move_name();

INSERT INTO res_partner (name, email, comment, credit_limit, create_date, write_date)
SELECT 'Partner ' || g, 'p' || g || '@example.com',
       CASE WHEN g % 500 = 0 THEN repeat(md5(g::text), 400) ELSE 'note ' || g END,
       g * 1.5 + 0.1, timestamptz '2024-01-01 00:00:00+00' + g * interval '1 minute',
       timestamp '2024-06-01 12:00:00' + g * interval '1 second'
FROM generate_series(1, :rows) g;
INSERT INTO res_groups (name) SELECT jsonb_build_object('en_US', 'Group ' || g) FROM generate_series(1, 20) g;
INSERT INTO res_groups_users_rel SELECT 1 + (p % 20), p FROM generate_series(1, :rows) p;
INSERT INTO res_groups_users_rel SELECT 1 + ((p + 7) % 20), p FROM generate_series(1, :rows, 3) p;
INSERT INTO ir_attachment (res_model, res_id, store_fname, checksum, db_datas, index_content, mimetype)
SELECT 'res.partner', g, substr(md5(g::text), 1, 2) || '/' || md5(g::text), md5(g::text),
       CASE WHEN g % 50 = 0 THEN decode(repeat(md5(g::text), 300), 'hex') ELSE decode(md5(g::text), 'hex') END,
       'content ' || g, 'application/octet-stream'
FROM generate_series(1, :rows / 10) g;
INSERT INTO account_move (name, partner_id, amount, date, payload)
SELECT '/', 1 + (g % :rows), g * 10.25, date '2024-01-01' + (g % 365), json_build_object('line', g, 'tax', 0.21)
FROM generate_series(1, :rows / 2) g;
SELECT setval('ir_sequence_002', 4242);
ANALYZE;
