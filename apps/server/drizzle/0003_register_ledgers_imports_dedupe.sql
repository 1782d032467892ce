CREATE TABLE "dedupe_dismissals" (
	"id" uuid PRIMARY KEY NOT NULL,
	"street_id" uuid NOT NULL,
	"community_id" uuid NOT NULL,
	"resident_low_id" uuid NOT NULL,
	"resident_high_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_by" uuid
);
--> statement-breakpoint
CREATE TABLE "resident_merges" (
	"id" uuid PRIMARY KEY NOT NULL,
	"street_id" uuid NOT NULL,
	"community_id" uuid NOT NULL,
	"survivor_id" uuid NOT NULL,
	"merged_id" uuid NOT NULL,
	"merged_street_id" uuid NOT NULL,
	"merged_community_id" uuid NOT NULL,
	"choices" jsonb NOT NULL,
	"survivor_before" jsonb NOT NULL,
	"merged_before" jsonb NOT NULL,
	"survivor_tags_before" jsonb NOT NULL,
	"merged_tags_before" jsonb NOT NULL,
	"households_before" jsonb NOT NULL,
	"survivor_version_after" integer NOT NULL,
	"merged_version_after" integer NOT NULL,
	"household_versions_after" jsonb NOT NULL,
	"relations_before" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"relation_versions_after" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"status" text DEFAULT 'merged' NOT NULL,
	"undone_at" timestamp with time zone,
	"undone_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_by" uuid,
	"version" integer DEFAULT 1 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "import_jobs" (
	"id" uuid PRIMARY KEY NOT NULL,
	"street_id" uuid NOT NULL,
	"community_id" uuid NOT NULL,
	"file_name" text NOT NULL,
	"status" text DEFAULT 'draft' NOT NULL,
	"header_row" integer NOT NULL,
	"headers" jsonb NOT NULL,
	"mapping" jsonb NOT NULL,
	"on_duplicate" text DEFAULT 'skip' NOT NULL,
	"create_places" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"rows_enc" text,
	"total_rows" integer NOT NULL,
	"processed_rows" integer DEFAULT 0 NOT NULL,
	"created_count" integer DEFAULT 0 NOT NULL,
	"updated_count" integer DEFAULT 0 NOT NULL,
	"skipped_count" integer DEFAULT 0 NOT NULL,
	"buildings_created" integer DEFAULT 0 NOT NULL,
	"dwellings_created" integer DEFAULT 0 NOT NULL,
	"report" jsonb,
	"error_code" text,
	"error_detail" text,
	"committed_by" uuid,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	"expires_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_by" uuid,
	"version" integer DEFAULT 1 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "import_templates" (
	"id" uuid PRIMARY KEY NOT NULL,
	"street_id" uuid NOT NULL,
	"community_id" uuid NOT NULL,
	"name" text NOT NULL,
	"columns" jsonb NOT NULL,
	"archived_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_by" uuid,
	"version" integer DEFAULT 1 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "ledger_links" (
	"id" uuid PRIMARY KEY NOT NULL,
	"ledger_id" uuid NOT NULL,
	"district_id" uuid,
	"street_id" uuid NOT NULL,
	"community_id" uuid,
	"area_id" uuid NOT NULL,
	"token_hash" text NOT NULL,
	"note" text DEFAULT '' NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"revoked_at" timestamp with time zone,
	"revoked_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_by" uuid,
	CONSTRAINT "ledger_links_token_uq" UNIQUE("token_hash")
);
--> statement-breakpoint
CREATE TABLE "ledgers" (
	"id" uuid PRIMARY KEY NOT NULL,
	"district_id" uuid,
	"street_id" uuid NOT NULL,
	"community_id" uuid,
	"area_id" uuid NOT NULL,
	"name" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"sharing" text DEFAULT 'private' NOT NULL,
	"filter" jsonb NOT NULL,
	"columns" jsonb NOT NULL,
	"owner_id" uuid,
	"status" text DEFAULT 'active' NOT NULL,
	"archived_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_by" uuid,
	"version" integer DEFAULT 1 NOT NULL,
	CONSTRAINT "ledgers_id_street_uq" UNIQUE("id","street_id"),
	CONSTRAINT "ledgers_sharing_ck" CHECK ("ledgers"."sharing" in ('private','area')),
	CONSTRAINT "ledgers_status_ck" CHECK ("ledgers"."status" in ('active','archived'))
);
--> statement-breakpoint
CREATE TABLE "household_tags" (
	"household_id" uuid NOT NULL,
	"tag" text NOT NULL,
	"street_id" uuid NOT NULL,
	"community_id" uuid NOT NULL,
	"since" date,
	"source" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_by" uuid,
	CONSTRAINT "household_tags_household_id_tag_pk" PRIMARY KEY("household_id","tag")
);
--> statement-breakpoint
CREATE TABLE "resident_relations" (
	"id" uuid PRIMARY KEY NOT NULL,
	"street_id" uuid NOT NULL,
	"community_id" uuid NOT NULL,
	"resident_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"other_resident_id" uuid,
	"other_name" text,
	"other_phone_enc" text,
	"other_phone_masked" text,
	"note" text,
	"ended_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_by" uuid,
	"version" integer DEFAULT 1 NOT NULL
);
--> statement-breakpoint
ALTER TABLE "dwellings" ADD COLUMN "type" text;--> statement-breakpoint
ALTER TABLE "dwellings" ADD COLUMN "use" text;--> statement-breakpoint
ALTER TABLE "dwellings" ADD COLUMN "owner_name" text;--> statement-breakpoint
ALTER TABLE "dwellings" ADD COLUMN "owner_phone_enc" text;--> statement-breakpoint
ALTER TABLE "dwellings" ADD COLUMN "owner_phone_hash" text;--> statement-breakpoint
ALTER TABLE "dwellings" ADD COLUMN "owner_phone_masked" text;--> statement-breakpoint
ALTER TABLE "dwellings" ADD COLUMN "notes" text;--> statement-breakpoint
ALTER TABLE "dwellings" ADD COLUMN "safety_flags" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
ALTER TABLE "dwellings" ADD COLUMN "safety_notes" text;--> statement-breakpoint
ALTER TABLE "dwellings" ADD COLUMN "last_verified_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "dwellings" ADD COLUMN "last_verified_by" uuid;--> statement-breakpoint
ALTER TABLE "residents" ADD COLUMN "ethnicity" text;--> statement-breakpoint
ALTER TABLE "residents" ADD COLUMN "marital_status" text;--> statement-breakpoint
ALTER TABLE "residents" ADD COLUMN "political_status" text;--> statement-breakpoint
ALTER TABLE "residents" ADD COLUMN "education" text;--> statement-breakpoint
ALTER TABLE "residents" ADD COLUMN "occupation" text;--> statement-breakpoint
ALTER TABLE "residents" ADD COLUMN "employer" text;--> statement-breakpoint
ALTER TABLE "residents" ADD COLUMN "arrival_reason" text;--> statement-breakpoint
ALTER TABLE "residents" ADD COLUMN "arrival_date" date;--> statement-breakpoint
ALTER TABLE "residents" ADD COLUMN "merged_into_id" uuid;--> statement-breakpoint
ALTER TABLE "ledger_links" ADD CONSTRAINT "ledger_links_ledger_id_street_id_ledgers_id_street_id_fk" FOREIGN KEY ("ledger_id","street_id") REFERENCES "public"."ledgers"("id","street_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ledgers" ADD CONSTRAINT "ledgers_area_id_street_id_areas_id_street_id_fk" FOREIGN KEY ("area_id","street_id") REFERENCES "public"."areas"("id","street_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "household_tags" ADD CONSTRAINT "household_tags_household_id_households_id_fk" FOREIGN KEY ("household_id") REFERENCES "public"."households"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "resident_relations" ADD CONSTRAINT "resident_relations_resident_id_residents_id_fk" FOREIGN KEY ("resident_id") REFERENCES "public"."residents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "resident_relations" ADD CONSTRAINT "resident_relations_other_resident_id_residents_id_fk" FOREIGN KEY ("other_resident_id") REFERENCES "public"."residents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "dedupe_dismissals_pair_uq" ON "dedupe_dismissals" USING btree ("resident_low_id","resident_high_id");--> statement-breakpoint
CREATE INDEX "dedupe_dismissals_community_idx" ON "dedupe_dismissals" USING btree ("community_id");--> statement-breakpoint
CREATE INDEX "resident_merges_community_idx" ON "resident_merges" USING btree ("community_id","created_at");--> statement-breakpoint
CREATE INDEX "resident_merges_street_idx" ON "resident_merges" USING btree ("street_id","created_at");--> statement-breakpoint
CREATE INDEX "resident_merges_survivor_idx" ON "resident_merges" USING btree ("survivor_id");--> statement-breakpoint
CREATE INDEX "resident_merges_merged_idx" ON "resident_merges" USING btree ("merged_id");--> statement-breakpoint
CREATE INDEX "import_jobs_community_idx" ON "import_jobs" USING btree ("community_id","created_at");--> statement-breakpoint
CREATE INDEX "import_jobs_status_idx" ON "import_jobs" USING btree ("status");--> statement-breakpoint
CREATE UNIQUE INDEX "import_templates_name_uq" ON "import_templates" USING btree ("community_id","name") WHERE "import_templates"."archived_at" is null;--> statement-breakpoint
CREATE INDEX "ledger_links_ledger_idx" ON "ledger_links" USING btree ("ledger_id");--> statement-breakpoint
CREATE INDEX "ledgers_street_idx" ON "ledgers" USING btree ("street_id","status");--> statement-breakpoint
CREATE INDEX "ledgers_community_idx" ON "ledgers" USING btree ("community_id","status");--> statement-breakpoint
CREATE INDEX "household_tags_tag_idx" ON "household_tags" USING btree ("tag","community_id");--> statement-breakpoint
CREATE INDEX "resident_relations_resident_idx" ON "resident_relations" USING btree ("resident_id");--> statement-breakpoint
CREATE INDEX "resident_relations_other_idx" ON "resident_relations" USING btree ("other_resident_id");--> statement-breakpoint
CREATE INDEX "residents_merged_into_idx" ON "residents" USING btree ("merged_into_id");--> statement-breakpoint
CREATE INDEX "residents_compound_order_idx" ON "residents" USING btree ("compound_id","status","name_pinyin","id");--> statement-breakpoint
CREATE INDEX "residents_name_bigrams_idx" ON "residents" USING gin (array_cat(string_to_array(regexp_replace("name", '(..)', '\1,', 'g'), ','), string_to_array(regexp_replace(substr("name", 2), '(..)', '\1,', 'g'), ',')));