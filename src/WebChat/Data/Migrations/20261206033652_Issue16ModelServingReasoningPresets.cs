using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace WebChat.Data.Migrations
{
    /// <inheritdoc />
    public partial class Issue16ModelServingReasoningPresets : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Preset",
                table: "UsageRecords",
                type: "TEXT",
                maxLength: 80,
                nullable: true);

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

            migrationBuilder.CreateTable(
                name: "Presets",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 80, nullable: false),
                    Description = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    BaseModelId = table.Column<string>(type: "TEXT", maxLength: 512, nullable: false),
                    SystemPrompt = table.Column<string>(type: "TEXT", maxLength: 20000, nullable: true),
                    Temperature = table.Column<float>(type: "REAL", nullable: true),
                    TopP = table.Column<float>(type: "REAL", nullable: true),
                    MaxTokens = table.Column<int>(type: "INTEGER", nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Presets", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "PresetChoices",
                columns: table => new
                {
                    UserId = table.Column<string>(type: "TEXT", nullable: false),
                    PresetId = table.Column<Guid>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PresetChoices", x => x.UserId);
                    table.ForeignKey(
                        name: "FK_PresetChoices_AspNetUsers_UserId",
                        column: x => x.UserId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_PresetChoices_Presets_PresetId",
                        column: x => x.PresetId,
                        principalTable: "Presets",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_PresetChoices_PresetId",
                table: "PresetChoices",
                column: "PresetId");

            migrationBuilder.CreateIndex(
                name: "IX_Presets_Name",
                table: "Presets",
                column: "Name",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "PresetChoices");

            migrationBuilder.DropTable(
                name: "Presets");

            migrationBuilder.DropColumn(
                name: "Preset",
                table: "UsageRecords");

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
