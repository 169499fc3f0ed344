import { describe, expect, it } from 'vitest';
import { getModel, getModelInfo, listModels } from './registry';

describe('the zoo registry', () => {
  it('lists the models with their weight files, input size, preprocessing, classes and parameter counts', () => {
    expect(listModels()).toEqual(['vgg16', 'vgg19']);
    const info = getModelInfo('VGG16');
    expect(info.inputSize).toEqual([224, 224, 3]);
    expect(info.minInputSize).toBe(32);
    expect(info.preprocessing).toBe('caffe');
    expect(info.classes).toEqual({ dataset: 'imagenet', count: 1000 });
    expect(info.params).toEqual({ top: 138357544, notop: 14714688 });
    expect(info.weights.imagenet.notop).toEqual({
      fileName: 'vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5',
      url: 'https://storage.googleapis.com/tensorflow/keras-applications/vgg16/vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5',
      hash: '6d6bbae143d832006294945121d1f1fc',
      size: 58889256,
    });
    expect(getModelInfo('vgg19').weights.imagenet.top.hash).toBe('cbe5617147190e668d6c5d5026f83318');
  });

  it('builds a model by name, and names the known ones for an unknown name', async () => {
    const m = await getModel('vgg16', { weights: null, includeTop: false, inputShape: [32, 32, 3] });
    expect(m.name).toBe('vgg16');
    expect(m.countParams()).toBe(getModelInfo('vgg16').params.notop);
    m.dispose();
    expect(() => getModelInfo('resnet50')).toThrow('getModel: unknown model (the zoo has vgg16, vgg19). Received: name="resnet50"');
  });
});
