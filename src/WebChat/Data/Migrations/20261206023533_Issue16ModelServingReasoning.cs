using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace WebChat.Data.Migrations
{
    /// <inheritdoc />
    public partial class Issue16ModelServingReasoning : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Reasoning",
                table: "Messages",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<double>(
                name: "ReasoningMs",
                table: "Messages",
                type: "REAL",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "DisplayName",
                table: "InstalledModels",
                type: "TEXT",
                maxLength: 128,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ReasoningTag",
                table: "InstalledModels",
                type: "TEXT",
                maxLength: 32,
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "UserSelectable",
                table: "InstalledModels",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "Reasoning",
                table: "Messages");

            migrationBuilder.DropColumn(
                name: "ReasoningMs",
                table: "Messages");

            migrationBuilder.DropColumn(
                name: "DisplayName",
                table: "InstalledModels");

            migrationBuilder.DropColumn(
                name: "ReasoningTag",
                table: "InstalledModels");

            migrationBuilder.DropColumn(
                name: "UserSelectable",
                table: "InstalledModels");
        }
    }
}
