import { defaultSettings, settingKeys, type LabelwiseSettings } from '../core/settings';

// The settings parser lives in the core (src/core/settingsParser.ts) so that the engine worker's
// boundary uses the same one; this module is where the extension reads VS Code's settings with it.
export { checkSessionStartable, checkStartable, defaultAnnotator, parseSettings as readSettings, type SettingReader } from '../core/settingsParser';

/**
 * The settings as a workspace of this trust may use them. In Restricted Mode a setting that names a
 * path to load (labelwise.model: a model folder, whose ONNX graph and tokenizer Labelwise would
 * run, or a hub model id; labelwise.vectors: precomputed vectors) falls back to its default, labelwise.allowModelDownload is off, and `notice` says so; everything else (labeling with the embedded
 * model) works as in a trusted workspace. VS Code already ignores a workspace's own value of these
 * settings there (package.json restrictedConfigurations); this also covers a user-level relative
 * path, which would resolve into the untrusted folder.
 */
export function restrictToTrust(s: LabelwiseSettings, trusted: boolean): { settings: LabelwiseSettings; notice?: string } {
  if (trusted) return { settings: s };
  // Downloading a model (labelwise.allowModelDownload) is off in Restricted Mode whatever it says.
  const set: [string, string][] = [];
  if (s.model !== defaultSettings.model) set.push([settingKeys.model, s.model]);
  if (s.vectors !== defaultSettings.vectors) set.push([settingKeys.vectors, s.vectors]);
  if (set.length === 0) return { settings: { ...s, allowModelDownload: false } };
  return {
    settings: { ...s, model: defaultSettings.model, vectors: defaultSettings.vectors, allowModelDownload: false },
    notice:
      `this workspace is in Restricted Mode, so ${set.map(([k, v]) => `${k} ("${v}")`).join(' and ')} ${set.length === 1 ? 'is' : 'are'} not loaded and labeling uses the ` +
      `embedded default model; trust the workspace to use ${set.length === 1 && s.vectors === defaultSettings.vectors ? 'that model' : 'them'}`,
  };
}
