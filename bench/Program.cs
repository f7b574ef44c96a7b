// The benchmark harness: each issue adds a scenario measured as a ratio against a baseline in the same run.
Console.WriteLine("usage: dotnet run -c Release --project bench -- <scenario>");
