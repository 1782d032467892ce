ALTER TABLE "form_submissions" DROP CONSTRAINT "form_submissions_form_id_street_id_forms_id_street_id_fk";
--> statement-breakpoint
ALTER TABLE "form_submissions" DROP CONSTRAINT "form_submissions_version_id_form_versions_id_fk";
--> statement-breakpoint
DROP INDEX "form_submissions_phone_idx";--> statement-breakpoint
DROP INDEX "form_submissions_id_idx";--> statement-breakpoint
-- Answers no longer hold foreign keys to their form and version (ADR 0013); what those keys guarded,
-- a form or version deleted under its answers, is refused here instead, at no cost to an answer.
CREATE OR REPLACE FUNCTION linli_forms_never_deleted() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% rows are archived, never deleted: form answers refer to them', TG_TABLE_NAME;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER forms_no_delete
  BEFORE DELETE ON forms
  FOR EACH ROW EXECUTE FUNCTION linli_forms_never_deleted();
--> statement-breakpoint
CREATE TRIGGER form_versions_no_delete
  BEFORE DELETE ON form_versions
  FOR EACH ROW EXECUTE FUNCTION linli_forms_never_deleted();
