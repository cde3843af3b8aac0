import { dirname, isAbsolute, relative, sep } from 'node:path';
import { isHubIdShape } from '../../core/encoders/hubDownload';
import { settingKeys } from '../../core/settings';
import { DEVICES, type Device } from '../../core/types';
import type { LabelwiseCommand } from './command';

/**
 * The value stored for a chosen model folder: relative to the workspace folder (with "/") when it
 * lies inside it, so the setting can be committed and resolves the same on every machine;
 * absolute otherwise.
 */
export function modelSettingFor(folder: string, root: string | undefined): string {
  if (!root) return folder;
  const rel = relative(root, folder);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) return folder;
  return rel.split(sep).join('/');
}

/** Chooses the encoder (embedded default, a local Hugging Face ONNX folder or a hub model id) and the device. */
export const selectModelCommand: LabelwiseCommand = {
  id: 'labelwise.selectModel',
  title: 'Select Model and Device',
  async run({ app, surface }): Promise<void> {
    const s = app.settings();
    const modelPick = await surface.showQuickPick(
      [
        { label: 'default', description: 'embedded GloVe sentence encoder (fast, CPU)', picked: s.model === 'default', kind: 'default' as const },
        { label: 'Choose a model folder…', description: 'a local Hugging Face model in the transformers.js ONNX layout', kind: 'folder' as const },
        { label: 'Hugging Face model id…', description: 'e.g. Xenova/all-MiniLM-L6-v2, downloaded once into the extension\'s storage', kind: 'hub' as const },
        ...(s.model !== 'default' ? [{ label: s.model, description: 'current', picked: true, kind: 'current' as const }] : []),
      ],
      { title: 'Labelwise: encoder model', placeHolder: `current: ${s.model}` },
    );
    if (!modelPick) return;
    let model = modelPick.label;
    if (modelPick.kind === 'folder') {
      if (!surface.isTrusted()) {
        // A model folder is code Labelwise would run (an ONNX graph, a tokenizer): trusted workspaces only.
        void surface.showWarning('Labelwise: this workspace is in Restricted Mode; a model folder can be used only in a trusted workspace. Labeling uses the embedded default model.');
        return;
      }
      const file = await surface.showOpenFile({ title: 'Labelwise: pick the model\'s config.json (its folder is used)', filters: { 'Model config': ['json'] } });
      if (!file) return;
      model = modelSettingFor(dirname(file), surface.workspaceRoot());
    }
    if (modelPick.kind === 'hub') {
      if (!surface.isTrusted()) {
        void surface.showWarning('Labelwise: this workspace is in Restricted Mode; a downloaded model can be used only in a trusted workspace. Labeling uses the embedded default model.');
        return;
      }
      const id = await surface.showInputBox({
        title: 'Labelwise: Hugging Face model id',
        prompt: 'A sentence encoder with an ONNX export (onnx/model.onnx), such as the Xenova/* models',
        placeHolder: 'Xenova/all-MiniLM-L6-v2',
        validateInput: (v) => (isHubIdShape(v) ? undefined : 'a hub model id has the form owner/name, for example Xenova/all-MiniLM-L6-v2'),
      });
      if (!id) return;
      model = id.trim();
      if (!s.allowModelDownload) {
        const allow = await surface.showInfo(
          `Labelwise: ${model} is downloaded from huggingface.co once, into the extension's storage, when ${settingKeys.allowModelDownload} is on. Turn it on?`,
          'Allow Downloads',
        );
        if (allow !== 'Allow Downloads') return;
        // User level: the download serves every workspace, and a workspace value would not count in Restricted Mode.
        await surface.updateSetting(settingKeys.allowModelDownload, true, 'global');
      }
    }
    const devicePick = await surface.showQuickPick(
      DEVICES.map((d) => ({
        label: d,
        description: d === 'auto' ? 'CUDA when available, else CPU' : d === 'cuda' ? 'NVIDIA GPU (fails with a clear message if unavailable)' : 'always CPU',
        picked: d === s.device,
      })),
      { title: 'Labelwise: device', placeHolder: `current: ${s.device}` },
    );
    if (!devicePick) return;
    await surface.updateSetting(settingKeys.model, model, 'workspace');
    await surface.updateSetting(settingKeys.device, devicePick.label as Device, 'workspace');
    app.logger.info(`model set to ${model}, device ${devicePick.label}`);
    if (app.activeController) await app.restart();
  },
};
