import { settingKeys } from '../../core/settings';
import { DEVICES, type Device } from '../../core/types';
import type { LabelwiseCommand } from './command';

/** Chooses the encoder (embedded default or a local Hugging Face ONNX folder) and the device. */
export const selectModelCommand: LabelwiseCommand = {
  id: 'labelwise.selectModel',
  title: 'Select Model and Device',
  async run({ app, surface }): Promise<void> {
    const s = app.settings();
    const modelPick = await surface.showQuickPick(
      [
        { label: 'default', description: 'embedded GloVe sentence encoder (fast, CPU)', picked: s.model === 'default', kind: 'default' as const },
        { label: 'Choose a model folder…', description: 'a local Hugging Face model in the transformers.js ONNX layout', kind: 'folder' as const },
        ...(s.model !== 'default' ? [{ label: s.model, description: 'current', picked: true, kind: 'current' as const }] : []),
      ],
      { title: 'Labelwise: encoder model', placeHolder: `current: ${s.model}` },
    );
    if (!modelPick) return;
    let model = modelPick.label;
    if (modelPick.kind === 'folder') {
      const file = await surface.showOpenFile({ title: 'Labelwise: pick the model\'s config.json (its folder is used)', filters: { 'Model config': ['json'] } });
      if (!file) return;
      model = file.replace(/[\\/][^\\/]*$/, '');
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
    if (app.session) await app.restart();
  },
};
