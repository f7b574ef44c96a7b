// Browser tests share two cores with the app and Chromium: one class at a time keeps timings sane.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
