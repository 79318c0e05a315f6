-- One API's tables as GORM creates them on PostgreSQL.
CREATE TABLE "logs" ("id" bigserial,"user_id" bigint,"created_at" bigint,"type" bigint,"content" text,"username" text DEFAULT '',"token_name" text DEFAULT '',"model_name" text DEFAULT '',"quota" bigint DEFAULT 0,"prompt_tokens" bigint DEFAULT 0,"completion_tokens" bigint DEFAULT 0,"channel_id" bigint,"request_id" text DEFAULT '',"elapsed_time" bigint DEFAULT 0,"is_stream" boolean DEFAULT false,"system_prompt_reset" boolean DEFAULT false,PRIMARY KEY ("id"));
CREATE INDEX "idx_logs_user_id" ON "logs" ("user_id");
CREATE INDEX "idx_created_at_type" ON "logs" ("created_at","type");
CREATE INDEX "idx_logs_channel_id" ON "logs" ("channel_id");
CREATE TABLE "channels" ("id" bigserial,"type" bigint DEFAULT 0,"key" text NOT NULL,"status" bigint DEFAULT 1,"name" text,"weight" bigint DEFAULT 0,"created_time" bigint,"test_time" bigint,"response_time" bigint,"base_url" text DEFAULT '',"other" text,"balance" decimal,"balance_updated_time" bigint,"models" text,"group" varchar(32) DEFAULT 'default',"used_quota" bigint DEFAULT 0,"model_mapping" varchar(1024) DEFAULT '',"priority" bigint DEFAULT 0,"config" text,"system_prompt" text,PRIMARY KEY ("id"));
CREATE TABLE "abilities" ("group" varchar(32),"model" text,"channel_id" bigint,"enabled" boolean,"priority" bigint DEFAULT 0,PRIMARY KEY ("group","model","channel_id"));
CREATE TABLE "options" ("key" text,"value" text,PRIMARY KEY ("key"));
