// Standalone entry point: the fake Hub server (issue 4) runs from here for offline demos.
Console.WriteLine("WebChat test support: nothing to run yet.");
