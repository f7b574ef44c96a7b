using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace WebChat.Data.Migrations
{
    /// <inheritdoc />
    public partial class AddPassageEmbedder : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Embedder",
                table: "KnowledgeChunks",
                type: "TEXT",
                maxLength: 100,
                nullable: false,
                defaultValue: "");

            // Every passage stored so far was written by its collection's embedder.
            migrationBuilder.Sql("UPDATE KnowledgeChunks SET Embedder = (SELECT k.Embedder FROM KnowledgeCollections k WHERE k.Id = KnowledgeChunks.CollectionId);");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "Embedder",
                table: "KnowledgeChunks");
        }
    }
}
