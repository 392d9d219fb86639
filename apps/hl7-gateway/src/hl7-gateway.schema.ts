export const HL7_GATEWAY_SCHEMA = 'hl7_gateway';
