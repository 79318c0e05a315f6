-- New API's tables as GORM creates them on PostgreSQL.
CREATE TABLE "logs" ("id" bigserial,"user_id" bigint,"created_at" bigint,"type" bigint,"content" text,"username" text DEFAULT '',"token_name" text DEFAULT '',"model_name" text DEFAULT '',"quota" bigint DEFAULT 0,"prompt_tokens" bigint DEFAULT 0,"completion_tokens" bigint DEFAULT 0,"use_time" bigint DEFAULT 0,"is_stream" boolean,"channel_id" bigint,"channel_name" text,"token_id" bigint DEFAULT 0,"group" text,"ip" text DEFAULT '',"request_id" varchar(64) DEFAULT '',"other" text,PRIMARY KEY ("id"));
CREATE INDEX "idx_created_at_id" ON "logs" ("created_at","id");
CREATE INDEX "idx_created_at_type" ON "logs" ("created_at","type");
CREATE INDEX "index_username_model_name" ON "logs" ("model_name","username");
CREATE INDEX "idx_logs_user_id" ON "logs" ("user_id");
CREATE INDEX "idx_logs_channel_id" ON "logs" ("channel_id");
CREATE INDEX "idx_logs_model_name" ON "logs" ("model_name");
CREATE INDEX "idx_logs_token_name" ON "logs" ("token_name");
CREATE INDEX "idx_logs_group" ON "logs" ("group");
CREATE TABLE "channels" ("id" bigserial,"type" bigint DEFAULT 0,"key" text NOT NULL,"openai_organization" text,"test_model" text,"status" bigint DEFAULT 1,"name" text,"weight" bigint DEFAULT 0,"created_time" bigint,"test_time" bigint,"response_time" bigint,"base_url" text DEFAULT '',"other" text,"balance" decimal,"balance_updated_time" bigint,"models" text,"group" varchar(64) DEFAULT 'default',"used_quota" bigint DEFAULT 0,"model_mapping" text,"status_code_mapping" varchar(1024) DEFAULT '',"priority" bigint DEFAULT 0,"auto_ban" bigint DEFAULT 1,"other_info" text,"tag" text,"setting" text,"param_override" text,PRIMARY KEY ("id"));
CREATE TABLE "abilities" ("group" varchar(64),"model" varchar(255),"channel_id" bigint,"enabled" boolean,"priority" bigint DEFAULT 0,"weight" bigint DEFAULT 0,"tag" text,PRIMARY KEY ("group","model","channel_id"));
CREATE TABLE "options" ("key" text,"value" text,PRIMARY KEY ("key"));
