DROP TABLE autopay_mandates;
DROP TABLE payments;
DROP TABLE invoice_lines;
DROP TABLE invoices;
DROP TABLE invoice_sequences;
DROP TABLE fee_schedules;
