using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace WebChat.Data.Migrations
{
    /// <inheritdoc />
    public partial class AddKnowledge : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "KnowledgeCollections",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 80, nullable: false),
                    Description = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    OwnerId = table.Column<string>(type: "TEXT", nullable: false),
                    Scope = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    ConversationId = table.Column<Guid>(type: "TEXT", nullable: true),
                    Embedder = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Dimensions = table.Column<int>(type: "INTEGER", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_KnowledgeCollections", x => x.Id);
                    table.ForeignKey(
                        name: "FK_KnowledgeCollections_AspNetUsers_OwnerId",
                        column: x => x.OwnerId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_KnowledgeCollections_Conversations_ConversationId",
                        column: x => x.ConversationId,
                        principalTable: "Conversations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "MessageCitations",
                columns: table => new
                {
                    MessageId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Number = table.Column<int>(type: "INTEGER", nullable: false),
                    DocumentId = table.Column<Guid>(type: "TEXT", nullable: false),
                    FileName = table.Column<string>(type: "TEXT", maxLength: 260, nullable: false),
                    Page = table.Column<int>(type: "INTEGER", nullable: true),
                    Heading = table.Column<string>(type: "TEXT", nullable: true),
                    Text = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_MessageCitations", x => new { x.MessageId, x.Number });
                    table.ForeignKey(
                        name: "FK_MessageCitations_Messages_MessageId",
                        column: x => x.MessageId,
                        principalTable: "Messages",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "ConversationCollections",
                columns: table => new
                {
                    ConversationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    CollectionId = table.Column<Guid>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ConversationCollections", x => new { x.ConversationId, x.CollectionId });
                    table.ForeignKey(
                        name: "FK_ConversationCollections_Conversations_ConversationId",
                        column: x => x.ConversationId,
                        principalTable: "Conversations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_ConversationCollections_KnowledgeCollections_CollectionId",
                        column: x => x.CollectionId,
                        principalTable: "KnowledgeCollections",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "KnowledgeDocuments",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    CollectionId = table.Column<Guid>(type: "TEXT", nullable: false),
                    FileName = table.Column<string>(type: "TEXT", maxLength: 260, nullable: false),
                    SizeBytes = table.Column<long>(type: "INTEGER", nullable: false),
                    Sha256 = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    UploadedById = table.Column<string>(type: "TEXT", nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Error = table.Column<string>(type: "TEXT", nullable: true),
                    ChunkCount = table.Column<int>(type: "INTEGER", nullable: false),
                    PageCount = table.Column<int>(type: "INTEGER", nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    IngestedAt = table.Column<DateTime>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_KnowledgeDocuments", x => x.Id);
                    table.ForeignKey(
                        name: "FK_KnowledgeDocuments_AspNetUsers_UploadedById",
                        column: x => x.UploadedById,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_KnowledgeDocuments_KnowledgeCollections_CollectionId",
                        column: x => x.CollectionId,
                        principalTable: "KnowledgeCollections",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "KnowledgeChunks",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    DocumentId = table.Column<Guid>(type: "TEXT", nullable: false),
                    CollectionId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Ordinal = table.Column<int>(type: "INTEGER", nullable: false),
                    Text = table.Column<string>(type: "TEXT", nullable: false),
                    Heading = table.Column<string>(type: "TEXT", nullable: true),
                    Page = table.Column<int>(type: "INTEGER", nullable: true),
                    Tokens = table.Column<int>(type: "INTEGER", nullable: false),
                    Vector = table.Column<byte[]>(type: "BLOB", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_KnowledgeChunks", x => x.Id);
                    table.ForeignKey(
                        name: "FK_KnowledgeChunks_KnowledgeDocuments_DocumentId",
                        column: x => x.DocumentId,
                        principalTable: "KnowledgeDocuments",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "KnowledgeUploads",
                columns: table => new
                {
                    DocumentId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Content = table.Column<byte[]>(type: "BLOB", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_KnowledgeUploads", x => x.DocumentId);
                    table.ForeignKey(
                        name: "FK_KnowledgeUploads_KnowledgeDocuments_DocumentId",
                        column: x => x.DocumentId,
                        principalTable: "KnowledgeDocuments",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_ConversationCollections_CollectionId",
                table: "ConversationCollections",
                column: "CollectionId");

            migrationBuilder.CreateIndex(
                name: "IX_KnowledgeChunks_CollectionId",
                table: "KnowledgeChunks",
                column: "CollectionId");

            migrationBuilder.CreateIndex(
                name: "IX_KnowledgeChunks_DocumentId_Ordinal",
                table: "KnowledgeChunks",
                columns: new[] { "DocumentId", "Ordinal" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_KnowledgeCollections_ConversationId",
                table: "KnowledgeCollections",
                column: "ConversationId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_KnowledgeCollections_OwnerId_Name",
                table: "KnowledgeCollections",
                columns: new[] { "OwnerId", "Name" });

            migrationBuilder.CreateIndex(
                name: "IX_KnowledgeDocuments_CollectionId",
                table: "KnowledgeDocuments",
                column: "CollectionId");

            migrationBuilder.CreateIndex(
                name: "IX_KnowledgeDocuments_UploadedById",
                table: "KnowledgeDocuments",
                column: "UploadedById");

            // BM25 search: an FTS5 index over the passages' text and headings (Porter stemming, so "employ" finds
            // "employs"), external-content on KnowledgeChunks and kept in step by triggers, which also fire for rows
            // removed by a cascading delete of their document or collection.
            migrationBuilder.Sql("""
                CREATE VIRTUAL TABLE KnowledgeChunksFts USING fts5(
                    Text, Heading, content='KnowledgeChunks', content_rowid='Id', tokenize='porter unicode61');
                """);
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

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS KnowledgeChunks_AfterUpdate;");
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS KnowledgeChunks_AfterDelete;");
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS KnowledgeChunks_AfterInsert;");
            migrationBuilder.Sql("DROP TABLE IF EXISTS KnowledgeChunksFts;");

            migrationBuilder.DropTable(
                name: "ConversationCollections");

            migrationBuilder.DropTable(
                name: "KnowledgeChunks");

            migrationBuilder.DropTable(
                name: "KnowledgeUploads");

            migrationBuilder.DropTable(
                name: "MessageCitations");

            migrationBuilder.DropTable(
                name: "KnowledgeDocuments");

            migrationBuilder.DropTable(
                name: "KnowledgeCollections");
        }
    }
}
