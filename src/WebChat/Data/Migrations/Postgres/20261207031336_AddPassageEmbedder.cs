using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace WebChat.Data.Migrations.Postgres
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
                type: "character varying(100)",
                maxLength: 100,
                nullable: false,
                defaultValue: "");

            // Every passage stored so far was written by its collection's embedder.
            migrationBuilder.Sql("UPDATE \"KnowledgeChunks\" c SET \"Embedder\" = k.\"Embedder\" FROM \"KnowledgeCollections\" k WHERE k.\"Id\" = c.\"CollectionId\";");
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
