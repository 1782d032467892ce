CREATE TABLE "form_submissions" (
	"id" uuid PRIMARY KEY NOT NULL,
	"form_id" uuid NOT NULL,
	"version_id" uuid NOT NULL,
	"version_no" integer NOT NULL,
	"district_id" uuid,
	"street_id" uuid NOT NULL,
	"community_id" uuid,
	"dwelling_id" uuid,
	"reference" text NOT NULL,
	"idempotency_key" text NOT NULL,
	"body_hash" text NOT NULL,
	"answers_enc" text NOT NULL,
	"summary" jsonb NOT NULL,
	"name_hash" text,
	"phone_hash" text,
	"phone_mask" text,
	"id_hash" text,
	"id_mask" text,
	"limit_key" text,
	"status" text DEFAULT 'new' NOT NULL,
	"reject_reason" text,
	"applied_resident_id" uuid,
	"applied_at" timestamp with time zone,
	"applied_by" uuid,
	"withdrawn_at" timestamp with time zone,
	"submitted_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	CONSTRAINT "form_submissions_reference_uq" UNIQUE("reference"),
	CONSTRAINT "form_submissions_idempotency_uq" UNIQUE("form_id","idempotency_key"),
	CONSTRAINT "form_submissions_status_ck" CHECK ("form_submissions"."status" in ('new','reviewed','applied','rejected','withdrawn'))
);
--> statement-breakpoint
CREATE TABLE "form_versions" (
	"id" uuid PRIMARY KEY NOT NULL,
	"form_id" uuid NOT NULL,
	"street_id" uuid NOT NULL,
	"version_no" integer NOT NULL,
	"title" text NOT NULL,
	"description" text NOT NULL,
	"definition" jsonb NOT NULL,
	"privacy" jsonb NOT NULL,
	"published_at" timestamp with time zone DEFAULT now() NOT NULL,
	"published_by" uuid,
	CONSTRAINT "form_versions_no_uq" UNIQUE("form_id","version_no")
);
--> statement-breakpoint
CREATE TABLE "forms" (
	"id" uuid PRIMARY KEY NOT NULL,
	"district_id" uuid,
	"street_id" uuid NOT NULL,
	"community_id" uuid,
	"area_id" uuid NOT NULL,
	"slug" text NOT NULL,
	"mode" text DEFAULT 'form' NOT NULL,
	"status" text DEFAULT 'draft' NOT NULL,
	"title" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"draft" jsonb NOT NULL,
	"privacy" jsonb NOT NULL,
	"submission_limit" text DEFAULT 'none' NOT NULL,
	"opens_at" timestamp with time zone,
	"closes_at" timestamp with time zone,
	"template" text,
	"current_version_id" uuid,
	"current_version_no" integer,
	"published_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_by" uuid,
	"version" integer DEFAULT 1 NOT NULL,
	CONSTRAINT "forms_id_street_uq" UNIQUE("id","street_id"),
	CONSTRAINT "forms_slug_uq" UNIQUE("slug"),
	CONSTRAINT "forms_mode_ck" CHECK ("forms"."mode" in ('form','chain')),
	CONSTRAINT "forms_status_ck" CHECK ("forms"."status" in ('draft','published','closed','archived')),
	CONSTRAINT "forms_limit_ck" CHECK ("forms"."submission_limit" in ('none','per_phone','per_dwelling'))
);
--> statement-breakpoint
CREATE TABLE "form_files" (
	"id" uuid PRIMARY KEY NOT NULL,
	"form_id" uuid NOT NULL,
	"street_id" uuid NOT NULL,
	"field_key" text NOT NULL,
	"submission_id" uuid,
	"name" text NOT NULL,
	"content_type" text NOT NULL,
	"size" integer NOT NULL,
	"sha256" text NOT NULL,
	"content" "bytea" NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "form_submissions" ADD CONSTRAINT "form_submissions_form_id_street_id_forms_id_street_id_fk" FOREIGN KEY ("form_id","street_id") REFERENCES "public"."forms"("id","street_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "form_submissions" ADD CONSTRAINT "form_submissions_version_id_form_versions_id_fk" FOREIGN KEY ("version_id") REFERENCES "public"."form_versions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "form_versions" ADD CONSTRAINT "form_versions_form_id_street_id_forms_id_street_id_fk" FOREIGN KEY ("form_id","street_id") REFERENCES "public"."forms"("id","street_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "forms" ADD CONSTRAINT "forms_area_id_street_id_areas_id_street_id_fk" FOREIGN KEY ("area_id","street_id") REFERENCES "public"."areas"("id","street_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "form_files" ADD CONSTRAINT "form_files_form_id_street_id_forms_id_street_id_fk" FOREIGN KEY ("form_id","street_id") REFERENCES "public"."forms"("id","street_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "form_files" ADD CONSTRAINT "form_files_submission_id_form_submissions_id_fk" FOREIGN KEY ("submission_id") REFERENCES "public"."form_submissions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "form_submissions_limit_uq" ON "form_submissions" USING btree ("form_id","limit_key") WHERE "form_submissions"."limit_key" is not null and "form_submissions"."status" <> 'withdrawn';--> statement-breakpoint
CREATE INDEX "form_submissions_form_idx" ON "form_submissions" USING btree ("form_id","submitted_at","id");--> statement-breakpoint
CREATE INDEX "form_submissions_street_idx" ON "form_submissions" USING btree ("street_id","submitted_at","id");--> statement-breakpoint
CREATE INDEX "form_submissions_community_idx" ON "form_submissions" USING btree ("community_id","submitted_at","id");--> statement-breakpoint
CREATE INDEX "form_submissions_phone_idx" ON "form_submissions" USING btree ("phone_hash");--> statement-breakpoint
CREATE INDEX "form_submissions_id_idx" ON "form_submissions" USING btree ("id_hash");--> statement-breakpoint
CREATE INDEX "forms_street_idx" ON "forms" USING btree ("street_id","status");--> statement-breakpoint
CREATE INDEX "forms_community_idx" ON "forms" USING btree ("community_id","status");--> statement-breakpoint
CREATE INDEX "form_files_submission_idx" ON "form_files" USING btree ("submission_id");--> statement-breakpoint
CREATE INDEX "form_files_unclaimed_idx" ON "form_files" USING btree ("created_at") WHERE "form_files"."submission_id" is null;