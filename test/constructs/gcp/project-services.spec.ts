import { PLATFORM_SERVICES, ProjectServices } from '../../../src/constructs/gcp/project-services';
import { type Json, resources, synth } from './helpers';

describe('ProjectServices', () => {
  let json: Json;
  beforeAll(() => {
    json = synth((scope) => {
      new ProjectServices(scope, 'services', { project: 'test-project-01', services: ['container.googleapis.com', 'cloudkms.googleapis.com'] });
    });
  });

  it('enables each listed api in the project, one resource per api', () => {
    const services = resources(json, 'google_project_service');
    expect(services.map((s) => s.service).sort()).toEqual(['cloudkms.googleapis.com', 'container.googleapis.com']);
    for (const s of services) expect(s.project).toBe('test-project-01');
  });

  it('never disables an api or its dependents on destroy (other workloads in the project use them)', () => {
    for (const s of resources(json, 'google_project_service')) {
      expect(s.disable_on_destroy).toBe(false);
      expect(s.disable_dependent_services).toBe(false);
    }
  });

  it('names each resource after its api, not its list position', () => {
    const ids = Object.keys(json.resource.google_project_service as Json).sort();
    expect(ids).toEqual([expect.stringMatching(/^services_cloudkms_[A-F0-9]+$/), expect.stringMatching(/^services_container_[A-F0-9]+$/)]);
  });

  it('lists only well-formed, distinct platform apis', () => {
    expect(new Set(PLATFORM_SERVICES).size).toBe(PLATFORM_SERVICES.length);
    for (const s of PLATFORM_SERVICES) expect(s).toMatch(/^[a-z][a-z0-9-]*\.googleapis\.com$/);
  });

  it('rejects an empty list', () => {
    expect(() => synth((scope) => new ProjectServices(scope, 's', { project: 'p', services: [] }))).toThrow(
      'project services: services must list at least one api such as container.googleapis.com, got none',
    );
  });

  it('rejects a name that is not an api service name', () => {
    expect(() => synth((scope) => new ProjectServices(scope, 's', { project: 'p', services: ['container'] }))).toThrow(
      'project services: services entries must be api names such as container.googleapis.com, got "container"',
    );
  });

  it('rejects a repeated api', () => {
    expect(() => synth((scope) => new ProjectServices(scope, 's', { project: 'p', services: ['iam.googleapis.com', 'iam.googleapis.com'] }))).toThrow(
      'project services: services must not repeat an api, got "iam.googleapis.com" twice',
    );
  });
});
