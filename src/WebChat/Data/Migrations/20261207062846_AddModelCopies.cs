using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace WebChat.Data.Migrations
{
    /// <inheritdoc />
    public partial class AddModelCopies : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Node",
                table: "Downloads",
                type: "TEXT",
                maxLength: 128,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "ModelCopies",
                columns: table => new
                {
                    ModelId = table.Column<string>(type: "TEXT", maxLength: 512, nullable: false),
                    Node = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    CopiedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ModelCopies", x => new { x.ModelId, x.Node });
                    table.ForeignKey(
                        name: "FK_ModelCopies_InstalledModels_ModelId",
                        column: x => x.ModelId,
                        principalTable: "InstalledModels",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ModelCopies");

            migrationBuilder.DropColumn(
                name: "Node",
                table: "Downloads");
        }
    }
}
