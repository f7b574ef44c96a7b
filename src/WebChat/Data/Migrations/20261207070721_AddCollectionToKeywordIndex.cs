using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace WebChat.Data.Migrations
{
    /// <summary>
    /// The FTS5 index gains a Collection column (one token per passage, "c" and the collection's id as 32 hex digits), so
    /// a search of a few collections filters inside the index instead of joining every matching passage to
    /// KnowledgeChunks; see <c>SqliteKeywordSearch</c>. The index becomes contentless (content=''): it never returned
    /// text, and an external-content index can only hold columns its content table has. The triggers pass every value
    /// to FTS5's 'delete' command, as a contentless index needs. Rebuilt from the stored passages; SQLite only, since
    /// PostgreSQL filters by its CollectionId index and has no FTS5 table (hence no PostgreSQL twin).
    /// </summary>
    public partial class AddCollectionToKeywordIndex : Migration
    {
        // The token SqliteKeywordSearch.CollectionToken writes for a collection: EF Core stores a Guid as upper-case text with dashes.
        private const string NewToken = "'c' || lower(replace(new.CollectionId, '-', ''))";
        private const string OldToken = "'c' || lower(replace(old.CollectionId, '-', ''))";

        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            DropIndex(migrationBuilder);
            migrationBuilder.Sql("""
                CREATE VIRTUAL TABLE KnowledgeChunksFts USING fts5(
                    Text, Heading, Collection, content='', tokenize='porter unicode61');
                """);
            migrationBuilder.Sql("""
                INSERT INTO KnowledgeChunksFts(rowid, Text, Heading, Collection)
                SELECT Id, Text, Heading, 'c' || lower(replace(CollectionId, '-', '')) FROM KnowledgeChunks;
                """);
            migrationBuilder.Sql($"""
                CREATE TRIGGER KnowledgeChunks_AfterInsert AFTER INSERT ON KnowledgeChunks BEGIN
                    INSERT INTO KnowledgeChunksFts(rowid, Text, Heading, Collection) VALUES (new.Id, new.Text, new.Heading, {NewToken});
                END;
                """);
            migrationBuilder.Sql($"""
                CREATE TRIGGER KnowledgeChunks_AfterDelete AFTER DELETE ON KnowledgeChunks BEGIN
                    INSERT INTO KnowledgeChunksFts(KnowledgeChunksFts, rowid, Text, Heading, Collection) VALUES ('delete', old.Id, old.Text, old.Heading, {OldToken});
                END;
                """);
            migrationBuilder.Sql($"""
                CREATE TRIGGER KnowledgeChunks_AfterUpdate AFTER UPDATE OF Text, Heading, CollectionId ON KnowledgeChunks BEGIN
                    INSERT INTO KnowledgeChunksFts(KnowledgeChunksFts, rowid, Text, Heading, Collection) VALUES ('delete', old.Id, old.Text, old.Heading, {OldToken});
                    INSERT INTO KnowledgeChunksFts(rowid, Text, Heading, Collection) VALUES (new.Id, new.Text, new.Heading, {NewToken});
                END;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            // Back to AddKnowledge's external-content index, rebuilt from KnowledgeChunks.
            DropIndex(migrationBuilder);
            migrationBuilder.Sql("""
                CREATE VIRTUAL TABLE KnowledgeChunksFts USING fts5(
                    Text, Heading, content='KnowledgeChunks', content_rowid='Id', tokenize='porter unicode61');
                """);
            migrationBuilder.Sql("INSERT INTO KnowledgeChunksFts(KnowledgeChunksFts) VALUES ('rebuild');");
            migrationBuilder.Sql("""
                CREATE TRIGGER KnowledgeChunks_AfterInsert AFTER INSERT ON KnowledgeChunks BEGIN
                    INSERT INTO KnowledgeChunksFts(rowid, Text, Heading) VALUES (new.Id, new.Text, new.Heading);
                END;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER KnowledgeChunks_AfterDelete AFTER DELETE ON KnowledgeChunks BEGIN
                    INSERT INTO KnowledgeChunksFts(KnowledgeChunksFts, rowid, Text, Heading) VALUES ('delete', old.Id, old.Text, old.Heading);
                END;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER KnowledgeChunks_AfterUpdate AFTER UPDATE OF Text, Heading ON KnowledgeChunks BEGIN
                    INSERT INTO KnowledgeChunksFts(KnowledgeChunksFts, rowid, Text, Heading) VALUES ('delete', old.Id, old.Text, old.Heading);
                    INSERT INTO KnowledgeChunksFts(rowid, Text, Heading) VALUES (new.Id, new.Text, new.Heading);
                END;
                """);
        }

        private static void DropIndex(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS KnowledgeChunks_AfterUpdate;");
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS KnowledgeChunks_AfterDelete;");
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS KnowledgeChunks_AfterInsert;");
            migrationBuilder.Sql("DROP TABLE IF EXISTS KnowledgeChunksFts;");
        }
    }
}
