// The Settings screen (being built).
export default function SettingsScreen() {
  return <section data-screen="settings" />;
}
