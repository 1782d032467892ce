CREATE TABLE "households" (
	"id" uuid PRIMARY KEY NOT NULL,
	"street_id" uuid NOT NULL,
	"community_id" uuid NOT NULL,
	"compound_id" uuid NOT NULL,
	"building_id" uuid NOT NULL,
	"dwelling_id" uuid NOT NULL,
	"head_resident_id" uuid,
	"status" text DEFAULT 'active' NOT NULL,
	"moved_in_at" date,
	"moved_out_at" date,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_by" uuid,
	"version" integer DEFAULT 1 NOT NULL,
	CONSTRAINT "households_id_street_uq" UNIQUE("id","street_id")
);
--> statement-breakpoint
CREATE TABLE "resident_tags" (
	"resident_id" uuid NOT NULL,
	"tag" text NOT NULL,
	"street_id" uuid NOT NULL,
	"community_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_by" uuid,
	CONSTRAINT "resident_tags_resident_id_tag_pk" PRIMARY KEY("resident_id","tag")
);
--> statement-breakpoint
CREATE TABLE "residents" (
	"id" uuid PRIMARY KEY NOT NULL,
	"street_id" uuid NOT NULL,
	"community_id" uuid NOT NULL,
	"compound_id" uuid NOT NULL,
	"building_id" uuid NOT NULL,
	"dwelling_id" uuid NOT NULL,
	"household_id" uuid NOT NULL,
	"name" text NOT NULL,
	"name_pinyin" text NOT NULL,
	"name_initials" text NOT NULL,
	"former_name" text,
	"sex" text,
	"birth_date" date,
	"id_type" text,
	"id_number_enc" text,
	"id_number_hash" text,
	"id_number_masked" text,
	"phone_enc" text,
	"phone_hash" text,
	"phone_tail" text,
	"phone_masked" text,
	"health_enc" text,
	"residence_type" text,
	"tenure" text,
	"relation_to_head" text,
	"self_care" text,
	"hukou_address" text,
	"emergency_contact_name" text,
	"emergency_contact_phone_enc" text,
	"emergency_contact_phone_masked" text,
	"status" text DEFAULT 'active' NOT NULL,
	"moved_out_at" date,
	"moved_out_to" text,
	"deceased_at" date,
	"provenance" text,
	"last_verified_at" timestamp with time zone,
	"last_verified_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_by" uuid,
	"version" integer DEFAULT 1 NOT NULL
);
--> statement-breakpoint
ALTER TABLE "households" ADD CONSTRAINT "households_dwelling_id_street_id_dwellings_id_street_id_fk" FOREIGN KEY ("dwelling_id","street_id") REFERENCES "public"."dwellings"("id","street_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "resident_tags" ADD CONSTRAINT "resident_tags_resident_id_residents_id_fk" FOREIGN KEY ("resident_id") REFERENCES "public"."residents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "residents" ADD CONSTRAINT "residents_household_id_street_id_households_id_street_id_fk" FOREIGN KEY ("household_id","street_id") REFERENCES "public"."households"("id","street_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "households_dwelling_idx" ON "households" USING btree ("dwelling_id");--> statement-breakpoint
CREATE INDEX "households_community_idx" ON "households" USING btree ("community_id");--> statement-breakpoint
CREATE INDEX "resident_tags_tag_idx" ON "resident_tags" USING btree ("tag","community_id");--> statement-breakpoint
CREATE INDEX "residents_community_order_idx" ON "residents" USING btree ("community_id","status","name_pinyin","id");--> statement-breakpoint
CREATE INDEX "residents_street_order_idx" ON "residents" USING btree ("street_id","status","name_pinyin","id");--> statement-breakpoint
CREATE INDEX "residents_dwelling_idx" ON "residents" USING btree ("dwelling_id");--> statement-breakpoint
CREATE INDEX "residents_household_idx" ON "residents" USING btree ("household_id");--> statement-breakpoint
CREATE INDEX "residents_building_idx" ON "residents" USING btree ("building_id");--> statement-breakpoint
CREATE INDEX "residents_birth_idx" ON "residents" USING btree ("community_id","birth_date");--> statement-breakpoint
CREATE INDEX "residents_phone_tail_idx" ON "residents" USING btree ("phone_tail");--> statement-breakpoint
CREATE INDEX "residents_phone_hash_idx" ON "residents" USING btree ("phone_hash");--> statement-breakpoint
CREATE INDEX "residents_initials_idx" ON "residents" USING btree ("name_initials" text_pattern_ops);--> statement-breakpoint
CREATE INDEX "residents_pinyin_idx" ON "residents" USING btree ("name_pinyin" text_pattern_ops);--> statement-breakpoint
CREATE INDEX "residents_name_trgm_idx" ON "residents" USING gin ("name" gin_trgm_ops);--> statement-breakpoint
CREATE UNIQUE INDEX "residents_id_hash_active_uq" ON "residents" USING btree ("id_number_hash") WHERE "residents"."status" = 'active';--> statement-breakpoint
CREATE INDEX "buildings_street_name_idx" ON "buildings" USING btree ("street_id","name");