using System.Data.Common;

namespace WebChat.Services.Knowledge.Search;

/// <summary>Named parameters for the raw SQL of the keyword index, whichever provider's command it is.</summary>
internal static class DbCommandParameters
{
    public static void AddParameter(this DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }
}
