/**
 * The tab's two pages: the shell the script in static/tab.js fills in. No inline script or style
 * (the Content-Security-Policy allows only this origin's), a skip link, one `main` landmark that
 * announces changes politely, and the teams-js library served from this origin.
 */
export type TabView = 'disputes' | 'oversight';

const TITLES: Readonly<Record<TabView, string>> = {
  disputes: 'My disputes',
  oversight: 'Partnership dashboard',
};

export function tabPage(view: TabView): string {
  return `<!doctype html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${TITLES[view]} · Concord</title>
<link rel="stylesheet" href="/tab/assets/tab.css">
<script src="/tab/assets/teams-js.min.js"></script>
<script src="/tab/assets/tab.js" defer></script>
</head>
<body data-view="${view}" class="theme-default">
<a class="skip" href="#main">Skip to content</a>
<header class="bar">
<h1 id="title">${TITLES[view]}</h1>
<p id="who" class="who"></p>
</header>
<main id="main" tabindex="-1">
<p id="status" role="status" aria-live="polite">Loading…</p>
<div id="content"></div>
</main>
</body>
</html>
`;
}
